using System.Net;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Invoices;

public sealed class IndexTests(PortalFactory portal)
{
    private static readonly DateOnly Base = new(2024, 1, 1);

    [Fact]
    public async Task List_shows_the_demo_accounts_invoices_and_none_of_another_account()
    {
        var ct = TestContext.Current.CancellationToken;
        var (bayside, northwind) = await portal.WithDbAsync(async db => (
            await db.Invoices.Where(i => i.Account!.Number == "10001").Select(i => i.Number).ToListAsync(ct),
            await db.Invoices.Where(i => i.Account!.Number == "30001").Select(i => i.Number).ToListAsync(ct)));
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var html = await client.GetStringAsync("/invoices", ct);

        Assert.NotEmpty(bayside);
        Assert.All(bayside, n => Assert.Contains($"<a href=\"/invoices/{n}\">", html, StringComparison.Ordinal));
        Assert.All(northwind, n => Assert.DoesNotContain(n, html, StringComparison.Ordinal));
        Assert.Contains("badge badge-", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keyset_paging_walks_every_row_once_in_order_for_every_sort()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var invoices = new List<Invoice>();
        for (var n = 1; n <= 60; n++)
        {
            // Repeated dates and amounts, so that the id tie-break decides page boundaries.
            var total = 100m + (n % 7 * 25.5m);
            invoices.Add(InvoiceTestData.NewInvoice(account, n, Base.AddDays(n / 3), total, n % 4 == 0 ? 0m : total / 2));
        }

        await portal.WithDbAsync(async db =>
        {
            db.Invoices.AddRange(invoices);
            db.Payments.AddRange(InvoiceTestData.PaymentsFor(invoices));
            await db.SaveChangesAsync(ct);
        });
        var client = await portal.LoginAsync(account.Email);

        var sorts = new (string Sort, string Dir, IEnumerable<Invoice> Expected)[]
        {
            ("issued", "desc", invoices.OrderByDescending(i => i.IssueDate).ThenByDescending(i => i.Id)),
            ("issued", "asc", invoices.OrderBy(i => i.IssueDate).ThenBy(i => i.Id)),
            ("number", "asc", invoices.OrderBy(i => i.Number, StringComparer.Ordinal).ThenBy(i => i.Id)),
            ("number", "desc", invoices.OrderByDescending(i => i.Number, StringComparer.Ordinal).ThenByDescending(i => i.Id)),
            ("due", "asc", invoices.OrderBy(i => i.DueDate).ThenBy(i => i.Id)),
            ("total", "desc", invoices.OrderByDescending(i => i.Total).ThenByDescending(i => i.Id)),
            ("open", "asc", invoices.OrderBy(i => i.OpenAmount).ThenBy(i => i.Id)),
        };
        foreach (var (sort, dir, expected) in sorts)
        {
            var seen = new List<string>();
            string? url = $"/invoices?sort={sort}&dir={dir}";
            var pages = 0;
            string? last = null;
            while (url is not null)
            {
                var response = await client.GetAsync(url, ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var html = await response.Content.ReadAsStringAsync(ct);
                var numbers = InvoiceTestData.InvoiceNumbers(html, account.Prefix);
                Assert.InRange(numbers.Count, 1, Portal.Features.Invoices.IndexModel.PageSize);
                seen.AddRange(numbers);
                url = InvoiceTestData.NextLink(html);
                last = html;
                pages++;
                Assert.True(pages <= 3, "Paging did not end.");
            }

            Assert.Equal(3, pages);
            Assert.Equal(expected.Select(i => i.Number).ToList(), seen);

            // And back again with "Previous": the same pages, the same rows, in the same order.
            var back = new List<string>();
            url = InvoiceTestData.PreviousLink(last!);
            back.InsertRange(0, InvoiceTestData.InvoiceNumbers(last!, account.Prefix));
            while (url is not null)
            {
                var html = await client.GetStringAsync(url, ct);
                back.InsertRange(0, InvoiceTestData.InvoiceNumbers(html, account.Prefix));
                url = InvoiceTestData.PreviousLink(html);
                Assert.True(back.Count <= 60, "Paging backwards did not end.");
            }

            Assert.Equal(seen, back);
        }
    }

    [Fact]
    public async Task Status_date_and_text_filters_narrow_the_list()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var farFuture = new DateOnly(2999, 1, 1);
        Invoice[] invoices =
        [
            InvoiceTestData.NewInvoice(account, 1, Base, 100m, 100m, due: farFuture, po: "PO-ALPHA"),
            InvoiceTestData.NewInvoice(account, 2, Base.AddMonths(1), 100m, 40m, due: farFuture),
            InvoiceTestData.NewInvoice(account, 3, Base.AddMonths(2), 100m, 100m, due: new DateOnly(2001, 1, 1)),
            InvoiceTestData.NewInvoice(account, 4, Base.AddMonths(3), 100m, 0m, po: "po-beta"),
            InvoiceTestData.NewInvoice(account, 5, Base.AddMonths(4), 100m, 100m, isVoid: true),
        ];
        await portal.WithDbAsync(async db =>
        {
            db.Invoices.AddRange(invoices);
            db.Payments.AddRange(InvoiceTestData.PaymentsFor(invoices));
            await db.SaveChangesAsync(ct);
        });
        var client = await portal.LoginAsync(account.Email);

        async Task<List<int>> ListAsync(string query)
        {
            var html = await client.GetStringAsync("/invoices?" + query, ct);
            return InvoiceTestData.InvoiceNumbers(html, account.Prefix).Select(n => int.Parse(n[account.Prefix.Length..], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        }

        Assert.Equal([1, 2, 3, 4, 5], await ListAsync("status=all"));
        Assert.Equal([1, 2, 3], await ListAsync("status=open"));
        Assert.Equal([3], await ListAsync("status=overdue"));
        Assert.Equal([4], await ListAsync("status=paid"));
        Assert.Equal([5], await ListAsync("status=void"));
        Assert.Equal([2, 3, 4], await ListAsync("from=2024-02-01&to=2024-04-01"));
        Assert.Equal([1], await ListAsync("q=alpha"));
        Assert.Equal([4], await ListAsync("q=PO-BETA"));
        Assert.Equal([2], await ListAsync("q=" + account.Prefix + "002"));
        Assert.Equal([3], await ListAsync("status=open&from=2024-03-01&to=2024-03-01"));

        var statuses = await client.GetStringAsync("/invoices?sort=number&dir=asc", ct);
        Assert.Contains("badge-partlypaid", statuses, StringComparison.Ordinal);
        Assert.Contains("badge-overdue", statuses, StringComparison.Ordinal);
        Assert.Contains("badge-paid", statuses, StringComparison.Ordinal);
        Assert.Contains("badge-void", statuses, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sorted_column_header_carries_aria_sort_and_links_to_the_other_direction()
    {
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var html = await client.GetStringAsync("/invoices?sort=due&dir=asc", TestContext.Current.CancellationToken);

        Assert.Matches("<th [^>]*aria-sort=\"ascending\"[^>]*><a href=\"/invoices\\?sort=due&amp;dir=desc\"", html);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "aria-sort="));
    }

    [Theory]
    [InlineData("/invoices?sort=bogus")]
    [InlineData("/invoices?sort=number&dir=sideways")]
    [InlineData("/invoices?status=%27%20or%201=1--")]
    [InlineData("/invoices?from=yesterday&to=2024-13-45")]
    [InlineData("/invoices?from=2025-01-01&to=2024-01-01")]
    [InlineData("/invoices?after=%%%not-base64")]
    [InlineData("/invoices?after=AAAA")]
    [InlineData("/invoices?sort=number&after=")]
    [InlineData("/invoices?sort=total&dir=asc&page=-1&q=%25_%5C")]
    public async Task Bad_sort_filter_or_cursor_values_never_fail(string url)
    {
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var response = await client.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Cursor_with_a_value_of_the_wrong_type_or_another_sort_starts_over_with_a_notice()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await portal.LoginAsync(DemoData.CustomerEmail);
        string Token(string text) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(text));

        var wrongType = await client.GetStringAsync("/invoices?sort=issued&dir=desc&after=" + Token("k1\nissued.desc\nnot-a-date\n5\na"), ct);
        var otherSort = await client.GetStringAsync("/invoices?sort=number&dir=asc&after=" + Token("k1\nissued.desc\n2024-01-01\n5\na"), ct);
        var hugeDecimal = await client.GetAsync("/invoices?sort=total&dir=asc&after=" + Token("k1\ntotal.asc\n99999999999999999999999999999\n5\na"), ct);
        var tooPrecise = await client.GetAsync("/invoices?sort=open&dir=desc&after=" + Token("k1\nopen.desc\n1.234567\n5\nb"), ct);

        Assert.Contains("no longer valid", wrongType, StringComparison.Ordinal);
        Assert.Contains("no longer valid", otherSort, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, hugeDecimal.StatusCode);
        Assert.Contains("no longer valid", await hugeDecimal.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, tooPrecise.StatusCode);
        Assert.Contains("no longer valid", await tooPrecise.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_without_see_money_gets_no_amount_columns_and_cannot_sort_by_amount()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View);
        await portal.WithDbAsync(async db =>
        {
            db.Invoices.Add(InvoiceTestData.NewInvoice(account, 1, Base, 1234.56m, 1234.56m));
            await db.SaveChangesAsync(ct);
        });
        var client = await portal.LoginAsync(account.Email);

        var html = await client.GetStringAsync("/invoices?sort=total&dir=desc", ct);

        Assert.Contains(account.Prefix + "001", html, StringComparison.Ordinal);
        Assert.DoesNotContain("1,234.56", html, StringComparison.Ordinal);
        Assert.DoesNotContain("$", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Open balance", html, StringComparison.Ordinal);
        Assert.Contains("sorted by issue date", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Latest_redirects_to_the_newest_invoice_or_says_there_is_none()
    {
        var ct = TestContext.Current.CancellationToken;
        var newest = await portal.WithDbAsync(db => db.Invoices.Where(i => i.Account!.Number == "10001")
            .OrderByDescending(i => i.IssueDate).ThenByDescending(i => i.Id).Select(i => i.Number).FirstAsync(ct));
        var demo = await portal.LoginAsync(DemoData.CustomerEmail);
        var empty = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var emptyClient = await portal.LoginAsync(empty.Email);

        var redirect = await demo.GetAsync("/invoices/latest", ct);
        var none = await emptyClient.GetAsync("/invoices/latest", ct);

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/invoices/" + newest, redirect.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.Contains("no invoices on this account yet", await none.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }
}
