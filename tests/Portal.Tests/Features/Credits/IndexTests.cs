using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Credits;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Credits;

public sealed partial class IndexTests(PortalFactory portal)
{
    [Fact]
    public async Task Credits_list_shows_the_accounts_credit_memos_with_remaining_balance_and_none_of_another_account()
    {
        var ct = TestContext.Current.CancellationToken;
        var (mine, foreign) = await portal.WithDbAsync(async db => (
            await db.CreditMemos.Where(c => db.Accounts.Any(a => a.Id == c.AccountId && a.Number == "10001")).Select(c => new { c.Number, c.Reference }).FirstAsync(ct),
            await db.CreditMemos.Where(c => db.Accounts.Any(a => a.Id == c.AccountId && a.Number == "30001")).Select(c => c.Number).FirstAsync(ct)));
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var html = await client.GetStringAsync("/credits", ct);

        Assert.Contains(mine.Number, html, StringComparison.Ordinal);
        Assert.Contains(mine.Reference!, html, StringComparison.Ordinal);
        Assert.Contains("$150.00", html, StringComparison.Ordinal);
        Assert.DoesNotContain(foreign, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keyset_paging_and_the_open_filter_cover_every_credit_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var credits = Enumerable.Range(1, 30).Select(n => new CreditMemo
        {
            AccountId = account.Id,
            ExternalId = $"X-{account.Prefix}CM{n}",
            Number = $"{account.Prefix}CM{n:D2}",
            Date = new DateOnly(2024, 1, 1).AddDays(n / 2),
            Currency = "USD",
            Amount = 100m,
            // Outside "with credit remaining": voided rather than used up, since a used-up credit would need
            // invoices to be applied to (the ledger tests check every account's figures).
            RemainingAmount = n % 3 == 0 ? 0m : 100m,
            IsVoid = n % 3 == 0,
            CreatedAt = DateTime.UtcNow,
            UpdatedAt = DateTime.UtcNow,
        }).ToList();
        await portal.WithDbAsync(async db =>
        {
            db.CreditMemos.AddRange(credits);
            await db.SaveChangesAsync(ct);
        });
        var client = await portal.LoginAsync(account.Email);

        var all = await WalkAsync(client, "/credits", account.Prefix);
        var open = await WalkAsync(client, "/credits?show=open", account.Prefix);

        Assert.Equal(credits.OrderByDescending(c => c.Date).ThenByDescending(c => c.Id).Select(c => c.Number), all);
        Assert.Equal(credits.Where(c => c.RemainingAmount > 0m).OrderByDescending(c => c.Date).ThenByDescending(c => c.Id).Select(c => c.Number), open);
    }

    [Theory]
    [InlineData("/credits?after=garbage")]
    [InlineData("/credits?show=everything&after=azE")]
    public async Task Bad_filter_or_cursor_never_fails(string url)
    {
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var response = await client.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_user_without_see_money_is_not_allowed()
    {
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View);
        var client = await portal.LoginAsync(account.Email);

        var response = await client.GetAsync("/credits", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static async Task<List<string>> WalkAsync(HttpClient client, string url, string prefix)
    {
        var seen = new List<string>();
        string? next = url;
        for (var page = 0; next is not null; page++)
        {
            Assert.True(page < 5, "Paging did not end.");
            var html = await client.GetStringAsync(next, TestContext.Current.CancellationToken);
            seen.AddRange(CreditNumber().Matches(html).Select(m => m.Groups[1].Value).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)));
            next = InvoiceTestData.NextLink(html);
        }

        return seen;
    }

    [GeneratedRegex("<td data-label=\"Credit memo\"[^>]*>([^ <]+)")]
    private static partial Regex CreditNumber();
}
