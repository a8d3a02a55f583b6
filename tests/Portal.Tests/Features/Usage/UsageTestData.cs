using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Accounts;
using Portal.Features.Usage;
using Portal.Infrastructure;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Usage;

/// <summary>Arranges usage records in an account's billing periods and reads the usage page back.</summary>
public static partial class UsageTestData
{
    public static readonly TimeZoneInfo Zone = OperatorClock.FindZone(OperatorDefaults.TimeZoneId);

    /// <summary>A new account with the given bill day and one user on it.</summary>
    public static async Task<ArrangedAccount> NewAccountAsync(PortalFactory portal, Permissions permissions, int billDay)
    {
        var account = await InvoiceTestData.NewAccountAsync(portal, permissions);
        await portal.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.BillDay, billDay)));
        return account;
    }

    public static BillingPeriod CurrentPeriod(int billDay) =>
        BillingPeriods.Containing(DateOnly.FromDateTime(OperatorClock.ToLocal(DateTime.UtcNow, Zone)), billDay, Zone);

    public static UsageRecord Record(ArrangedAccount account, string product, string? identifier, DateTime occurredUtc, decimal quantity, string unit, string? description = null, long? invoiceId = null) => new()
    {
        AccountId = account.Id,
        ExternalId = "U-" + Guid.NewGuid().ToString("N"),
        ProductCode = product,
        Identifier = identifier,
        Description = description ?? product + " usage",
        OccurredAt = occurredUtc,
        Quantity = quantity,
        Unit = unit,
        InvoiceId = invoiceId,
        CreatedAt = DateTime.UtcNow,
    };

    public static async Task<List<UsageRecord>> AddAsync(PortalFactory portal, IEnumerable<UsageRecord> records)
    {
        var list = records.ToList();
        await portal.WithDbAsync(async db =>
        {
            db.UsageRecords.AddRange(list);
            await db.SaveChangesAsync();
            // Records written around the ingest have no rollup: recut the accounts, so the pages read the
            // rollup as they do in production (UsageRollupTests proves it equals grouping the records).
            foreach (var accountId in list.Select(r => r.AccountId).Distinct())
            {
                // Unstamped, so the rebuild (which adds the account's row if it has none) recuts it.
                await db.UsageRollupAccounts.Where(s => s.AccountId == accountId).ExecuteUpdateAsync(u => u.SetProperty(s => s.ZoneId, (string?)null));
                await UsageRollup.RebuildAsync(db, accountId, Zone, DateTime.UtcNow, default);
            }
        });
        return list;
    }

    /// <summary>The record ids listed on a usage page, in order.</summary>
    public static List<long> RowIds(string html) =>
        RowId().Matches(html).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();

    public static string? NextLink(string html) => Rel(html, "next");

    public static string? PreviousLink(string html) => Rel(html, "prev");

    private static string? Rel(string html, string rel)
    {
        var match = Regex.Match(html, $"rel=\"{rel}\" href=\"([^\"]+)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    /// <summary>Sum of the data-quantity values inside the element with the given id (a table), per product column or row.</summary>
    public static string Section(string html, string id)
    {
        var start = html.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No element with id {id}.");
        var end = html.IndexOf("</table>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    public static decimal SumQuantities(string fragment) =>
        Quantity().Matches(fragment).Sum(m => decimal.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

    /// <summary>The chart bars' quantities per product, from the SVGs.</summary>
    public static Dictionary<string, decimal> ChartTotals(string html)
    {
        var totals = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (Match svg in Svg().Matches(html))
        {
            totals[WebUtility.HtmlDecode(svg.Groups[1].Value)] = SumQuantities(svg.Groups[2].Value);
        }

        return totals;
    }

    [GeneratedRegex("<tr data-id=\"(\\d+)\"")]
    private static partial Regex RowId();

    [GeneratedRegex("data-quantity=\"(-?[0-9.]+)\"")]
    private static partial Regex Quantity();

    [GeneratedRegex("<svg class=\"usage-chart\"[^>]*data-product=\"([^\"]+)\"[^>]*>(.*?)</svg>", RegexOptions.Singleline)]
    private static partial Regex Svg();
}
