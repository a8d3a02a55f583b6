using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Usage;

/// <summary>
/// What the usage page and its export show: one billing period of one account, narrowed by product,
/// identifier, a day range inside the period, invoiced or not, and text in the description. It lives
/// in the URL (bookmark, share, back button) and is stored with an export as the same query string.
/// </summary>
public sealed record UsageFilter(
    BillingPeriod Period,
    string? Product,
    string? Identifier,
    DateOnly? From,
    DateOnly? To,
    bool? Invoiced,
    string? Text)
{
    public const int MaxTextLength = 50;
    public const int MaxCodeLength = 100;

    public bool IsNarrowed => Product is not null || Identifier is not null || From is not null || To is not null || Invoiced is not null || Text is not null;

    /// <summary>The first local day shown (the period's start unless a range narrows it).</summary>
    public DateOnly FirstDay => From ?? Period.Start;

    /// <summary>The last local day shown, inclusive.</summary>
    public DateOnly LastDay => To ?? Period.LastDay;

    /// <summary>The filter as URL query values (null values left out), the period first.</summary>
    public Dictionary<string, string?> ToQuery() => new(StringComparer.Ordinal)
    {
        ["period"] = Iso(Period.Start),
        ["product"] = Product,
        ["identifier"] = Identifier,
        ["from"] = From is { } f ? Iso(f) : null,
        ["to"] = To is { } t ? Iso(t) : null,
        ["invoiced"] = Invoiced switch { true => "yes", false => "no", null => null },
        ["q"] = Text,
    };

    public string ToQueryString() => QueryHelpers.AddQueryString(string.Empty, ToQuery().Where(p => p.Value is not null)!);

    /// <summary>
    /// The account's records the filter selects. The months the period spans lead, so each month is
    /// one range of the (Month, AccountId, OccurredAt, Id) index (ADR 0009); pass <paramref name="month"/>
    /// to read one month's range alone (in index order, for paging).
    /// </summary>
    public IQueryable<UsageRecord> Apply(IQueryable<UsageRecord> records, long accountId, TimeZoneInfo zone, int? month = null)
    {
        var fromUtc = BillingPeriod.DayStartUtc(FirstDay, zone);
        var toUtc = BillingPeriod.DayStartUtc(LastDay.AddDays(1), zone);
        IQueryable<UsageRecord> query;
        if (month is int single)
        {
            query = records.Where(u => u.Month == single && u.AccountId == accountId);
        }
        else
        {
            var months = UsageRecord.MonthsOf(fromUtc, toUtc.AddTicks(-1));
            query = records.Where(u => months.Contains(u.Month) && u.AccountId == accountId);
        }

        query = query.Where(u => u.OccurredAt >= fromUtc && u.OccurredAt < toUtc);
        if (Product is not null)
        {
            query = query.Where(u => u.ProductCode == Product);
        }

        if (Identifier is not null)
        {
            query = query.Where(u => u.Identifier == Identifier);
        }

        if (Invoiced is bool invoiced)
        {
            query = invoiced ? query.Where(u => u.InvoiceId != null) : query.Where(u => u.InvoiceId == null);
        }

        if (Text is not null)
        {
            var pattern = "%" + Text.ToUpperInvariant().Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
#pragma warning disable CA1304 // Translated to SQL UPPER(): no .NET culture is involved; the search is case-insensitive on both databases.
            query = query.Where(u => u.Description != null && EF.Functions.Like(u.Description.ToUpper(), pattern, "\\"));
#pragma warning restore CA1304
        }

        return query;
    }

    /// <summary>The months the filter's days span, newest first (the order records are listed in).</summary>
    public int[] MonthsNewestFirst(TimeZoneInfo zone)
    {
        var months = UsageRecord.MonthsOf(BillingPeriod.DayStartUtc(FirstDay, zone), BillingPeriod.DayStartUtc(LastDay.AddDays(1), zone).AddTicks(-1));
        Array.Reverse(months);
        return months;
    }

    /// <summary>
    /// Reads a filter from URL values. Anything that cannot be used is dropped with a notice saying so
    /// (a period that does not exist, a malformed date, a range outside the period), never an error page.
    /// </summary>
    public static UsageFilter Parse(UsageQueryValues values, int billDay, DateOnly today, TimeZoneInfo zone, IStringLocalizer<SharedResource> l, List<string> notices)
    {
        var current = BillingPeriods.Containing(today, billDay, zone);
        var period = current;
        if (!string.IsNullOrWhiteSpace(values.Period))
        {
            if (ListFilter.ParseDate(values.Period) is not DateOnly start)
            {
                notices.Add(l["The period was not a date; showing the current period."]);
            }
            else if (BillingPeriods.StartingOn(start, billDay, zone) is not { } chosen || chosen.Start > current.Start)
            {
                notices.Add(l["There is no billing period starting on {0}; showing the current period.", Iso(start)]);
            }
            else
            {
                period = chosen;
            }
        }

        // The date range and search text are read as on every list (same notices); then the range
        // must lie inside the period.
        var (fromText, toText, text) = (values.From, values.To, values.Q);
        ListFilter.Normalize(ref fromText, ref toText, ref text, MaxTextLength, notices, l);
        var from = ListFilter.ParseDate(fromText);
        var to = ListFilter.ParseDate(toText);
        if (from is { } f && !period.Contains(f))
        {
            notices.Add(l["The 'from' date is outside the billing period and is ignored."]);
            from = null;
        }

        if (to is { } t && !period.Contains(t))
        {
            notices.Add(l["The 'to' date is outside the billing period and is ignored."]);
            to = null;
        }

        bool? invoiced = values.Invoiced?.Trim().ToLowerInvariant() switch
        {
            null or "" or "all" => null,
            "yes" => true,
            "no" => false,
            _ => Unknown(),
        };

        return new UsageFilter(period, Code(values.Product), Code(values.Identifier), from, to, invoiced, text);

        bool? Unknown()
        {
            notices.Add(l["Unknown invoiced filter; showing invoiced and not invoiced records."]);
            return null;
        }

        static string? Code(string? value)
        {
            var v = value?.Trim();
            return string.IsNullOrEmpty(v) ? null : v.Length <= MaxCodeLength ? v : v[..MaxCodeLength];
        }
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>The filter's raw URL values, as bound from the query string (or stored with an export).</summary>
public sealed record UsageQueryValues(string? Period, string? Product, string? Identifier, string? From, string? To, string? Invoiced, string? Q)
{
    public static UsageQueryValues FromQueryString(string query)
    {
        var q = QueryHelpers.ParseQuery(query);
        string? Get(string key) => q.TryGetValue(key, out var v) ? v.ToString() : null;
        return new UsageQueryValues(Get("period"), Get("product"), Get("identifier"), Get("from"), Get("to"), Get("invoiced"), Get("q"));
    }
}
