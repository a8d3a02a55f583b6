using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Accounts;
using Portal.Features.Usage;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;
using UsagePage = Portal.Features.Usage.IndexModel;

namespace Portal.Tests.Features.Usage;

public sealed class UsagePageTests(PortalFactory portal)
{
    private const int BillDay = 15;

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Two products in two units, two identifiers, one record invoiced, spread over the current period;
    /// and a record of another account at the same time.
    /// </summary>
    private async Task<(ArrangedAccount Account, BillingPeriod Period, List<UsageRecord> Records, string InvoiceNumber)> ArrangeAsync(Permissions permissions = Permissions.All)
    {
        var account = await UsageTestData.NewAccountAsync(portal, permissions, BillDay);
        var other = await UsageTestData.NewAccountAsync(portal, Permissions.All, BillDay);
        var period = UsageTestData.CurrentPeriod(BillDay);
        var invoice = InvoiceTestData.NewInvoice(account, 1, period.Start, 10m, 0m);
        await portal.WithDbAsync(async db =>
        {
            db.Invoices.Add(invoice);
            db.Payments.AddRange(InvoiceTestData.PaymentsFor([invoice]));
            await db.SaveChangesAsync();
        });
        var records = new List<UsageRecord>();
        for (var day = 0; day < period.Days; day++)
        {
            var at = period.StartUtc.AddDays(day).AddHours(10);
            records.Add(UsageTestData.Record(account, "DATA", "LINE-1", at, 1.5m + day, "GB", "Mobile data roaming"));
            records.Add(UsageTestData.Record(account, "DATA", "LINE-2", at.AddHours(1), 2m, "GB", "Mobile data"));
            if (day % 3 == 0)
            {
                records.Add(UsageTestData.Record(account, "CALL", "LINE-1", at.AddHours(2), 12.25m, "min", "Voice calls", day == 0 ? invoice.Id : null));
            }
        }

        await UsageTestData.AddAsync(portal, records);
        await UsageTestData.AddAsync(portal, [UsageTestData.Record(other, "SECRET", "OTHER-1", period.StartUtc.AddHours(12), 99m, "each", "Other account")]);
        return (account, period, records, invoice.Number);
    }

    [Fact]
    public async Task The_page_opens_on_the_current_period_with_totals_chart_and_records_of_this_account_only()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, period, records, invoiceNumber) = await ArrangeAsync();
        var client = await portal.LoginAsync(account.Email);

        var response = await client.GetAsync("/usage", ct);
        var html = await response.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"<option value=\"{Iso(period.Start)}\" selected=\"selected\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", html, StringComparison.Ordinal);
        var totals = UsageTestData.Section(html, "usage-totals");
        Assert.Equal(records.Sum(r => r.Quantity), UsageTestData.SumQuantities(totals));
        Assert.Contains(">GB<", totals, StringComparison.Ordinal);
        Assert.Contains(">min<", totals, StringComparison.Ordinal);
        // Newest first, the first page full.
        var expected = records.OrderByDescending(r => r.OccurredAt).ThenByDescending(r => r.Id).Take(UsagePage.PageSize).Select(r => r.Id).ToList();
        Assert.Equal(expected, UsageTestData.RowIds(html));
        var invoiced = await client.GetStringAsync("/usage?invoiced=yes", ct);
        Assert.Contains($"href=\"/invoices/{invoiceNumber}\"", invoiced, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_charts_totals_equal_the_tables_and_the_totals_per_product()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, _, records, _) = await ArrangeAsync();
        var client = await portal.LoginAsync(account.Email);

        var html = await client.GetStringAsync("/usage", ct);

        var chart = UsageTestData.ChartTotals(html);
        Assert.Equal(["CALL", "DATA"], chart.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(records.Where(r => r.ProductCode == "DATA").Sum(r => r.Quantity), chart["DATA"]);
        Assert.Equal(records.Where(r => r.ProductCode == "CALL").Sum(r => r.Quantity), chart["CALL"]);
        var table = UsageTestData.Section(html, "usage-chart-table");
        Assert.Equal(chart.Values.Sum(), UsageTestData.SumQuantities(table));
        Assert.Contains("<title id=\"chart-data-gb-t\">", html, StringComparison.Ordinal);
        Assert.Contains("<desc id=\"chart-data-gb-d\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_the_built_rollup_the_page_shows_what_grouping_the_records_shows()
    {
        // Over the built rollup the page reads the level without the identifier (totals, chart) and the
        // identifier choices apart, and the identifier level only for totals per identifier or an identifier
        // filter; with the account unstamped it groups the records. Every one of them must show the same.
        var ct = TestContext.Current.CancellationToken;
        var (account, period, _, _) = await ArrangeAsync();
        var client = await portal.LoginAsync(account.Email);
        var p = Iso(period.Start);
        string[] queries = [$"period={p}", $"period={p}&totals=identifier", $"period={p}&product=DATA", $"period={p}&identifier=LINE-2", $"period={p}&invoiced=no&totals=identifier"];
        static string Shown(string html) => string.Join(
            "\n",
            UsageTestData.Section(html, "usage-totals"),
            string.Join(",", UsageTestData.ChartTotals(html).OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => FormattableString.Invariant($"{c.Key}={c.Value}"))),
            html[html.IndexOf("<select id=\"product\"", StringComparison.Ordinal)..html.IndexOf("<label for=\"from\"", StringComparison.Ordinal)]);
        // Day one: DATA in GB (two identifiers), CALL in minutes (invoiced): two rows without the identifier.
        Assert.Equal(2, await portal.WithDbAsync(db => db.UsageDayTotals.Where(d => d.AccountId == account.Id && d.Day == period.Start).CountAsync(ct)));
        var fromRollup = new List<string>();
        foreach (var query in queries)
        {
            fromRollup.Add(Shown(await client.GetStringAsync($"/usage?{query}", ct)));
        }

        await portal.WithDbAsync(db => db.UsageRollupAccounts.Where(s => s.AccountId == account.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.ZoneId, (string?)null), ct));
        for (var i = 0; i < queries.Length; i++)
        {
            Assert.Equal(fromRollup[i], Shown(await client.GetStringAsync($"/usage?{queries[i]}", ct)));
        }
    }

    [Fact]
    public async Task Each_filter_narrows_the_records_totals_and_chart_and_stays_in_the_links()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, period, records, _) = await ArrangeAsync();
        var client = await portal.LoginAsync(account.Email);
        var p = Iso(period.Start);
        var day3 = period.Start.AddDays(3);
        var day5 = period.Start.AddDays(5);
        var cases = new (string Query, Func<UsageRecord, bool> Match)[]
        {
            ("product=CALL", r => r.ProductCode == "CALL"),
            ("identifier=LINE-2", r => r.Identifier == "LINE-2"),
            ($"from={Iso(day3)}&to={Iso(day5)}", r => r.OccurredAt >= period.StartUtc.AddDays(3) && r.OccurredAt < period.StartUtc.AddDays(6)),
            ("invoiced=yes", r => r.InvoiceId != null),
            ("invoiced=no", r => r.InvoiceId == null),
            ("q=roaming", r => r.Description!.Contains("roaming", StringComparison.Ordinal)),
            ("q=ROAMING&product=DATA", r => r.Description!.Contains("roaming", StringComparison.Ordinal)),
        };
        foreach (var (query, match) in cases)
        {
            var html = await client.GetStringAsync($"/usage?period={p}&{query}", ct);
            var expected = records.Where(match).OrderByDescending(r => r.OccurredAt).ThenByDescending(r => r.Id).ToList();
            Assert.Equal(expected.Take(UsagePage.PageSize).Select(r => r.Id), UsageTestData.RowIds(html));
            Assert.Equal(expected.Sum(r => r.Quantity), UsageTestData.SumQuantities(UsageTestData.Section(html, "usage-totals")));
            Assert.Equal(expected.Sum(r => r.Quantity), UsageTestData.ChartTotals(html).Values.Sum());
            Assert.DoesNotContain("notice-warn", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Keyset_paging_walks_every_record_once_newest_first_with_ties_on_the_time_across_two_months()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await UsageTestData.NewAccountAsync(portal, Permissions.All, BillDay);
        var period = UsageTestData.CurrentPeriod(BillDay);
        Assert.Equal(2, period.Months.Length);
        // 130 records on 13 instants (ten at each), half of them in each UTC month of the period.
        var monthEnd = new DateTime(period.EndUtc.Year, period.EndUtc.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var instants = Enumerable.Range(-6, 13).Select(h => monthEnd.AddHours(h * 7)).ToList();
        var records = instants.SelectMany(at => Enumerable.Range(0, 10).Select(i => UsageTestData.Record(account, "DATA", "L" + i, at, 1m, "GB"))).ToList();
        await UsageTestData.AddAsync(portal, records);
        var client = await portal.LoginAsync(account.Email);
        var expected = records.OrderByDescending(r => r.OccurredAt).ThenByDescending(r => r.Id).Select(r => r.Id).ToList();

        var seen = new List<long>();
        var pages = new List<string>();
        string? url = $"/usage?period={Iso(period.Start)}";
        while (url is not null)
        {
            var html = await client.GetStringAsync(url, ct);
            seen.AddRange(UsageTestData.RowIds(html));
            pages.Add(url);
            url = UsageTestData.NextLink(html);
        }

        Assert.Equal(expected, seen);
        Assert.Equal(3, pages.Count);

        // And back: the previous page of the last page is the second page.
        var last = await client.GetStringAsync(pages[^1], ct);
        var previous = await client.GetStringAsync(UsageTestData.PreviousLink(last)!, ct);
        Assert.Equal(expected.Skip(UsagePage.PageSize).Take(UsagePage.PageSize), UsageTestData.RowIds(previous));
    }

    [Fact]
    public async Task The_period_picker_reaches_past_periods_with_records_and_shows_them()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await UsageTestData.NewAccountAsync(portal, Permissions.All, BillDay);
        var current = UsageTestData.CurrentPeriod(BillDay);
        var past = BillingPeriods.Previous(BillingPeriods.Previous(BillingPeriods.Previous(current, BillDay, UsageTestData.Zone), BillDay, UsageTestData.Zone), BillDay, UsageTestData.Zone);
        var old = await UsageTestData.AddAsync(portal, [UsageTestData.Record(account, "DATA", "L1", past.StartUtc.AddHours(30), 7m, "GB")]);
        var client = await portal.LoginAsync(account.Email);

        var html = await client.GetStringAsync("/usage", ct);
        Assert.Contains($"<option value=\"{Iso(past.Start)}\"", html, StringComparison.Ordinal);
        Assert.Empty(UsageTestData.RowIds(html));

        var pastHtml = await client.GetStringAsync($"/usage?period={Iso(past.Start)}", ct);
        Assert.Equal([old[0].Id], UsageTestData.RowIds(pastHtml));
    }

    [Theory]
    [InlineData("period=yesterday", "The period was not a date")]
    [InlineData("period=2019-13-01", "The period was not a date")]
    [InlineData("period=2024-02-16", "There is no billing period starting on 2024-02-16")]
    [InlineData("period=2999-01-15", "There is no billing period starting on 2999-01-15")]
    [InlineData("from=2024-99-01", "The &#x27;from&#x27; date was not a date")]
    [InlineData("from=2001-01-01", "The &#x27;from&#x27; date is outside the billing period")]
    [InlineData("to=2999-01-01", "The &#x27;to&#x27; date is outside the billing period")]
    [InlineData("product=NOT-MINE", "This account has no usage of product NOT-MINE in the period")]
    [InlineData("product=SECRET", "This account has no usage of product SECRET in the period")]
    [InlineData("identifier=OTHER-1", "There is no usage for identifier OTHER-1 in the period")]
    [InlineData("invoiced=maybe", "Unknown invoiced filter")]
    [InlineData("after=not-a-cursor", "That page link is no longer valid")]
    public async Task Bad_filter_values_are_dropped_with_a_clear_notice_never_an_error(string query, string notice)
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, _, records, _) = await ArrangeAsync();
        var client = await portal.LoginAsync(account.Email);

        var response = await client.GetAsync("/usage?" + query, ct);
        var html = await response.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(notice, html, StringComparison.Ordinal);
        // The current period, unfiltered, is shown instead.
        Assert.Equal(records.Sum(r => r.Quantity), UsageTestData.SumQuantities(UsageTestData.Section(html, "usage-totals")));
    }

    [Fact]
    public async Task The_column_choice_is_remembered_per_user_in_the_database()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, _, _, _) = await ArrangeAsync();
        var client = await portal.LoginAsync(account.Email);
        Assert.Contains("<th scope=\"col\">Description</th>", await client.GetStringAsync("/usage", ct), StringComparison.Ordinal);

        var response = await PortalFactory.PostFormAsync(client, "/usage?handler=columns", new Dictionary<string, string>
        {
            ["columns"] = "product",
            ["back"] = "/usage?invoiced=no",
        }, "/usage");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/usage?invoiced=no", response.Headers.Location?.OriginalString);
        var html = await client.GetStringAsync("/usage", ct);
        var records = UsageTestData.Section(html, "usage-records");
        Assert.DoesNotContain(">Description</th>", records, StringComparison.Ordinal);
        Assert.DoesNotContain(">Identifier</th>", records, StringComparison.Ordinal);
        Assert.Contains(">Product</th>", records, StringComparison.Ordinal);
        var stored = await portal.WithDbAsync(db => db.UsageColumnChoices.Where(c => db.Users.Any(u => u.Id == c.UserId && u.Email == account.Email)).Select(c => c.Columns).SingleAsync(ct));
        Assert.Equal("product", stored);

        // Another browser of the same user sees the same choice.
        var second = await portal.LoginAsync(account.Email);
        Assert.DoesNotContain(">Description</th>", UsageTestData.Section(await second.GetStringAsync("/usage", ct), "usage-records"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_without_see_money_still_sees_quantities()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, _, records, _) = await ArrangeAsync(Permissions.View);
        var client = await portal.LoginAsync(account.Email);

        var html = await client.GetStringAsync("/usage", ct);

        Assert.Equal(records.Sum(r => r.Quantity), UsageTestData.SumQuantities(UsageTestData.Section(html, "usage-totals")));
        Assert.DoesNotContain("$", UsageTestData.Section(html, "usage-totals"), StringComparison.Ordinal);
    }
}
