using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Ledger;
using Portal.Infrastructure;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Overview;

public sealed partial class IndexTests(PortalFactory portal)
{
    private static readonly CultureInfo English = new("en-US");

    [Fact]
    public async Task Figures_match_the_ledger_for_the_demo_account()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var html = await client.GetStringAsync("/", ct);

        var figures = await portal.WithDbAsync(async db =>
        {
            await using var scope = portal.Services.CreateAsyncScope();
            var today = await scope.ServiceProvider.GetRequiredService<OperatorClock>().TodayAsync(ct);
            var bayside = await db.Accounts.SingleAsync(a => a.Number == "10001", ct);
            var northYard = await db.Accounts.SingleAsync(a => a.Number == "10002", ct);
            return (Own: await AccountFigures.LoadAsync(db, bayside.Id, today, ct), NorthYard: await AccountFigures.LoadAsync(db, northYard.Id, today, ct));
        });
        // North Yard is billed to Bayside: its figures are in Bayside's (Harbor Tunnel is not billed to it).
        Assert.True(figures.NorthYard.AmountDueNow > 0m, "The demo's North Yard owes something now.");
        Assert.Equal(Currencies.Format(figures.Own.Balance + figures.NorthYard.Balance, "USD", English), Figure(html, "balance"));
        Assert.Equal(Currencies.Format(figures.Own.AmountDueNow + figures.NorthYard.AmountDueNow, "USD", English), Figure(html, "due"));
        Assert.Equal((figures.Own.OpenInvoiceCount + figures.NorthYard.OpenInvoiceCount).ToString(CultureInfo.InvariantCulture), Figure(html, "open-count"));
        Assert.Equal(Currencies.Format(figures.Own.LastPaymentAmount!.Value, "USD", English), Figure(html, "last-payment"));
        Assert.Contains("data-account=\"10002\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-account=\"10003\"", html, StringComparison.Ordinal);
        Assert.Equal("1st", Figure(html, "bill-day"));
        Assert.Contains("Billed on the 1st of each month", html, StringComparison.Ordinal);
        Assert.Contains("Summit", html, StringComparison.Ordinal); // the welcome message
    }

    [Fact]
    public async Task A_parent_adds_the_figures_of_the_accounts_billed_to_it_and_shows_the_split()
    {
        var ct = TestContext.Current.CancellationToken;
        var family = await FamilyAsync();
        var client = await LoginAsync(Permissions.All, family.Parent);

        var html = await client.GetStringAsync("/", ct);

        // Parent 100 + billed child 40 (less its 15 credit) = 125 due; the unbilled child's 1,000 and the stranger's 7 are not in it.
        Assert.Equal(Currencies.Format(125m, "USD", English), Figure(html, "due"));
        Assert.Equal(Currencies.Format(125m, "USD", English), Figure(html, "balance"));
        Assert.Equal("2", Figure(html, "open-count"));
        Assert.Contains("data-test=\"children-split\"", html, StringComparison.Ordinal);
        var split = SplitRows(html);
        Assert.Equal([family.ParentNumber, family.BilledNumber], split.Keys);
        Assert.Equal(Currencies.Format(100m, "USD", English), split[family.ParentNumber]);
        Assert.Equal(Currencies.Format(25m, "USD", English), split[family.BilledNumber]);
        Assert.DoesNotContain(family.UnbilledNumber, html, StringComparison.Ordinal);
        Assert.DoesNotContain(family.StrangerNumber, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_child_or_an_unrelated_account_shows_only_its_own_figures()
    {
        var ct = TestContext.Current.CancellationToken;
        var family = await FamilyAsync();
        var child = await (await LoginAsync(Permissions.All, family.Billed)).GetStringAsync("/", ct);
        var unbilled = await (await LoginAsync(Permissions.All, family.Unbilled)).GetStringAsync("/", ct);
        var stranger = await (await LoginAsync(Permissions.All, family.Stranger)).GetStringAsync("/", ct);

        Assert.Equal(Currencies.Format(25m, "USD", English), Figure(child, "due"));
        Assert.Equal(Currencies.Format(1000m, "USD", English), Figure(unbilled, "due"));
        Assert.Equal(Currencies.Format(7m, "USD", English), Figure(stranger, "due"));
        foreach (var html in new[] { child, unbilled, stranger })
        {
            Assert.DoesNotContain("data-test=\"children-split\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain(family.ParentNumber, SplitRows(html).Keys);
        }
    }

    [Fact]
    public async Task A_parent_user_without_money_sees_the_added_counts_and_no_amounts()
    {
        var ct = TestContext.Current.CancellationToken;
        var family = await FamilyAsync();
        var client = await LoginAsync(Permissions.View, family.Parent);

        var html = await client.GetStringAsync("/", ct);

        Assert.Equal("2", Figure(html, "open-count"));
        Assert.DoesNotContain("data-figure=\"due\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Currencies.Format(25m, "USD", English), html, StringComparison.Ordinal);
    }

    private sealed record Family(long Parent, string ParentNumber, long Billed, string BilledNumber, long Unbilled, string UnbilledNumber, long Stranger, string StrangerNumber);

    /// <summary>A parent with a child billed to it, a child that pays its own bills, and an unrelated account, each owing something now.</summary>
    private async Task<Family> FamilyAsync()
    {
        var due = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-40);
        var parent = await Arrange.AccountAsync(portal);
        var billed = await Arrange.AccountAsync(portal);
        var unbilled = await Arrange.AccountAsync(portal);
        var stranger = await Arrange.AccountAsync(portal);
        await portal.WithDbAsync(async db =>
        {
            var rows = await db.Accounts.Where(a => a.Id == billed.Id || a.Id == unbilled.Id).ToListAsync();
            foreach (var row in rows)
            {
                row.ParentAccountId = parent.Id;
                row.BilledToParent = row.Id == billed.Id;
            }

            db.CreditMemos.Add(new Portal.Features.Credits.CreditMemo
            {
                AccountId = billed.Id,
                ExternalId = "EXT-" + Arrange.Unique("CM-"),
                Number = Arrange.Unique("CM-"),
                Date = due,
                Currency = "USD",
                Amount = 15m,
                RemainingAmount = 15m,
                CreatedAt = DateTime.UtcNow,
                UpdatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        });
        await Arrange.InvoiceAsync(portal, parent.Id, due, 100m, null);
        await Arrange.InvoiceAsync(portal, billed.Id, due, 40m, null);
        await Arrange.InvoiceAsync(portal, unbilled.Id, due, 1000m, null);
        await Arrange.InvoiceAsync(portal, stranger.Id, due, 7m, null);
        return new Family(parent.Id, parent.Number, billed.Id, billed.Number, unbilled.Id, unbilled.Number, stranger.Id, stranger.Number);
    }

    private async Task<HttpClient> LoginAsync(Permissions permissions, long accountId)
    {
        var user = await Arrange.UserAsync(portal);
        await Arrange.MembershipAsync(portal, user.Id, accountId, permissions);
        return await portal.LoginAsync(user.Email!);
    }

    /// <summary>The per-account split: account number to its amount due now, in the order shown.</summary>
    private static Dictionary<string, string> SplitRows(string html) =>
        SplitRowPattern().Matches(html).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));

    [GeneratedRegex("<tr data-account=\"([^\"]+)\">\\s*<th[^>]*>.*?</th>\\s*<td class=\"num\">[^<]*</td>\\s*<td class=\"num\">([^<]*)</td>", RegexOptions.Singleline)]
    private static partial Regex SplitRowPattern();

    [Fact]
    public async Task Make_payment_shows_for_the_demo_user_on_bayside()
    {
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var html = await client.GetStringAsync("/", TestContext.Current.CancellationToken);

        Assert.Contains("Bayside Construction LLC", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/pay\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Make_payment_is_hidden_from_a_user_without_pay_permission()
    {
        var bayside = await Arrange.AccountIdAsync(portal, "10001");
        var user = await Arrange.UserAsync(portal);
        await Arrange.MembershipAsync(portal, user.Id, bayside, Permissions.View | Permissions.SeeMoney);
        var client = await portal.LoginAsync(user.Email!);

        var html = await client.GetStringAsync("/", TestContext.Current.CancellationToken);

        Assert.Contains("data-figure=\"balance\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/pay\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Make_payment_is_hidden_on_a_child_billed_to_its_parent()
    {
        var ct = TestContext.Current.CancellationToken;
        var northYard = await Arrange.AccountIdAsync(portal, "10002");
        var client = await portal.LoginAsync(DemoData.CustomerEmail);
        var switched = await PortalFactory.PostFormAsync(client, "/accounts", new Dictionary<string, string>
        {
            ["accountId"] = northYard.ToString(CultureInfo.InvariantCulture),
        });
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);

        var html = await client.GetStringAsync("/", ct);

        Assert.Contains("Bayside Construction - North Yard", html, StringComparison.Ordinal);
        Assert.Contains("Invoices for this account are paid by Bayside Construction LLC.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/pay\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_who_may_not_see_money_sees_no_amounts_and_no_pay_button()
    {
        var bayside = await Arrange.AccountIdAsync(portal, "10001");
        var user = await Arrange.UserAsync(portal);
        await Arrange.MembershipAsync(portal, user.Id, bayside, Permissions.View | Permissions.Pay);
        var client = await portal.LoginAsync(user.Email!);

        var html = await client.GetStringAsync("/", TestContext.Current.CancellationToken);

        var main = MainContent(html);
        Assert.Contains("data-test=\"recent-invoices\"", main, StringComparison.Ordinal);
        Assert.DoesNotContain("$", main, StringComparison.Ordinal);
        Assert.DoesNotContain("data-figure=\"balance\"", main, StringComparison.Ordinal);
        Assert.DoesNotContain("recent-payments", main, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/pay\"", main, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_branch_filter_keeps_only_that_branch_and_the_figures_stay_account_wide()
    {
        var ct = TestContext.Current.CancellationToken;
        var (accountId, _) = await Arrange.AccountAsync(portal);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var newest = await Arrange.InvoiceAsync(portal, accountId, today, 100m, "BOS");
        for (var i = 1; i < 4; i++)
        {
            await Arrange.InvoiceAsync(portal, accountId, today.AddDays(-10 * i), 100m, "BOS");
        }

        for (var i = 0; i < 4; i++)
        {
            await Arrange.InvoiceAsync(portal, accountId, today.AddDays(-10 * i - 5), 50m, "WOR");
        }

        var user = await Arrange.UserAsync(portal);
        await Arrange.MembershipAsync(portal, user.Id, accountId, Permissions.All);
        var client = await portal.LoginAsync(user.Email!);

        var all = await client.GetStringAsync("/", ct);
        var worcester = await client.GetStringAsync("/?branch=WOR", ct);

        Assert.Contains("<select id=\"branch\" name=\"branch\">", all, StringComparison.Ordinal);
        // People read the operator's name for a branch (the demo's BOS is Boston); a code without one shows as is.
        var settings = await portal.WithDbAsync(db => db.OperatorSettings.AsNoTracking().SingleAsync(ct));
        Assert.Equal([settings.BranchName("BOS"), "WOR"], Branches(all).Distinct().Order(StringComparer.Ordinal));
        var filtered = Branches(worcester);
        Assert.Equal(4, filtered.Count);
        Assert.All(filtered, b => Assert.Equal("WOR", b));
        Assert.Equal(Currencies.Format(600m, "USD", English), Figure(worcester, "balance"));
        Assert.Contains("data-test=\"branch-note\"", worcester, StringComparison.Ordinal);
        Assert.Equal(newest.Number, LatestInvoice(worcester));
        var unknown = await client.GetAsync("/?branch=NOWHERE", ct);
        Assert.Equal(HttpStatusCode.Redirect, unknown.StatusCode);
    }

    [Fact]
    public async Task The_recent_lists_show_only_the_current_accounts_newest_documents()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var html = await client.GetStringAsync("/", ct);

        var (invoices, payments, credits) = await portal.WithDbAsync(async db =>
        {
            var bayside = await db.Accounts.SingleAsync(a => a.Number == "10001", ct);
            var i = await db.Invoices.Where(x => x.AccountId == bayside.Id).OrderByDescending(x => x.IssueDate).ThenByDescending(x => x.Id).Select(x => x.Number).Take(5).ToListAsync(ct);
            var p = await db.Payments.Where(x => x.AccountId == bayside.Id).OrderByDescending(x => x.ReceivedAt).ThenByDescending(x => x.Id).Select(x => x.Number).Take(5).ToListAsync(ct);
            var c = await db.CreditMemos.Where(x => x.AccountId == bayside.Id).OrderByDescending(x => x.Date).ThenByDescending(x => x.Id).Select(x => x.Number).Take(5).ToListAsync(ct);
            return (i, p, c);
        });
        Assert.Equal(invoices, Numbers(html, "recent-invoices", "/invoices/"));
        Assert.Equal(payments, Numbers(html, "recent-payments", "/payments/"));
        Assert.NotEmpty(credits);
        foreach (var credit in credits)
        {
            Assert.Contains(credit, Table(html, "recent-credits"), StringComparison.Ordinal);
        }

        var foreign = await portal.WithDbAsync(db => db.Invoices.Where(x => x.Account!.Number == "30001").Select(x => x.Number).ToListAsync(ct));
        Assert.All(foreign, n => Assert.DoesNotContain(n, html, StringComparison.Ordinal));
        Assert.Equal(invoices[0], LatestInvoice(html));
    }

    private static string Figure(string html, string name)
    {
        var match = Regex.Match(html, $"data-figure=\"{name}\">([^<]*)<");
        Assert.True(match.Success, $"No figure {name} on the page.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private static string MainContent(string html)
    {
        var start = html.IndexOf("<main", StringComparison.Ordinal);
        var end = html.IndexOf("</main>", StringComparison.Ordinal);
        return html[start..end];
    }

    private static string Table(string html, string name)
    {
        var start = html.IndexOf($"data-test=\"{name}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No table {name} on the page.");
        return html[start..html.IndexOf("</table>", start, StringComparison.Ordinal)];
    }

    private static List<string> Numbers(string html, string table, string prefix) =>
        Regex.Matches(Table(html, table), $"href=\"{prefix}([^\"/]+)\"").Select(m => Uri.UnescapeDataString(m.Groups[1].Value)).ToList();

    private static List<string> Branches(string html) =>
        BranchCell().Matches(Table(html, "recent-invoices")).Select(m => m.Groups[1].Value).ToList();

    private static string LatestInvoice(string html) =>
        Regex.Match(html, "href=\"/invoices/([^\"/]+)\" data-test=\"latest-invoice\"").Groups[1].Value;

    [GeneratedRegex("data-test=\"branch\">([^<]*)<")]
    private static partial Regex BranchCell();
}
