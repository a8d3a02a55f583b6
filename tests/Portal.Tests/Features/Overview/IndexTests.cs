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
            return await AccountFigures.LoadAsync(db, bayside.Id, today, ct);
        });
        Assert.Equal(Currencies.Format(figures.Balance, "USD", English), Figure(html, "balance"));
        Assert.Equal(Currencies.Format(figures.AmountDueNow, "USD", English), Figure(html, "due"));
        Assert.Equal(figures.OpenInvoiceCount.ToString(CultureInfo.InvariantCulture), Figure(html, "open-count"));
        Assert.Equal(Currencies.Format(figures.LastPaymentAmount!.Value, "USD", English), Figure(html, "last-payment"));
        Assert.Equal("1st", Figure(html, "bill-day"));
        Assert.Contains("Billed on the 1st of each month", html, StringComparison.Ordinal);
        Assert.Contains("Summit", html, StringComparison.Ordinal); // the welcome message
    }

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
        Assert.Equal(["BOS", "WOR"], Branches(all).Distinct().Order(StringComparer.Ordinal));
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
