using System.Net;
using System.Text.RegularExpressions;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Admin.Accounts;

public sealed partial class IndexTests(PortalFactory portal)
{
    [Fact]
    public async Task Staff_see_the_accounts_with_their_parent()
    {
        var client = await portal.LoginAsync(DemoData.StaffEmail);

        var response = await client.GetAsync("/admin/accounts?q=bayside", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["10001", "10002", "10003"], Numbers(html));
        Assert.True(Numbers(await client.GetStringAsync("/admin/accounts", TestContext.Current.CancellationToken)).Count is > 5 and <= 50);
        Assert.Contains("Bayside Construction - North Yard", html, StringComparison.Ordinal);
        Assert.Contains("Billed to parent", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("greenleaf", "20001")]
    [InlineData("GREENLEAF", "20001")]
    [InlineData("ap@northwind", "30001")]
    [InlineData("4000", "40001")]
    public async Task Search_finds_accounts_by_number_name_or_email(string q, string expected)
    {
        var client = await portal.LoginAsync(DemoData.StaffEmail);

        var html = await client.GetStringAsync("/admin/accounts?q=" + Uri.EscapeDataString(q), TestContext.Current.CancellationToken);

        // Other tests add accounts to the same database with random numbers ("T-ACC-69e400014278" holds
        // "4000"): only the demo's accounts are asked about.
        Assert.Equal(expected, Assert.Single(Numbers(html), n => !n.StartsWith('T')));
    }

    [Fact]
    public async Task Pages_follow_each_other_by_account_number_without_gaps_or_repeats()
    {
        var ct = TestContext.Current.CancellationToken;
        var tag = Portal.Tests.Features.Overview.Arrange.Unique("Paging Co ");
        var created = await portal.WithDbAsync(async db =>
        {
            var accounts = Enumerable.Range(0, 57).Select(i => new Account
            {
                ExternalId = $"{tag}-{i}",
                Number = $"ZP{tag[^12..]}-{i:D3}",
                Name = $"{tag} {i}",
                Currency = "USD",
                CreatedAt = DateTime.UtcNow,
                UpdatedAt = DateTime.UtcNow,
            }).ToList();
            db.Accounts.AddRange(accounts);
            await db.SaveChangesAsync(ct);
            return accounts.Select(a => a.Number).Order(StringComparer.Ordinal).ToList();
        });
        var client = await portal.LoginAsync(DemoData.StaffEmail);

        var first = await client.GetStringAsync("/admin/accounts?q=" + Uri.EscapeDataString(tag), ct);
        var next = NextLink(first);
        Assert.NotNull(next);
        var second = await client.GetStringAsync(next, ct);
        var previous = PreviousLink(second);
        Assert.NotNull(previous);
        var back = await client.GetStringAsync(previous, ct);

        Assert.Equal(50, Numbers(first).Count);
        Assert.Equal(created, Numbers(first).Concat(Numbers(second)).ToList());
        Assert.Null(NextLink(second));
        Assert.Equal(Numbers(first), Numbers(back));
        Assert.Null(PreviousLink(back));
    }

    private static List<string> Numbers(string html) =>
        AccountLink().Matches(html).Select(m => Uri.UnescapeDataString(m.Groups[1].Value)).Where(n => n.Length > 0).ToList();

    private static string? NextLink(string html) => Link(html, "next");

    private static string? PreviousLink(string html) => Link(html, "prev");

    private static string? Link(string html, string rel)
    {
        var match = Regex.Match(html, $"rel=\"{rel}\" href=\"([^\"]+)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    // The number links of the table's first column (parent links repeat numbers, so only first cells count).
    [GeneratedRegex("<td data-label=\"Number\"><a href=\"/admin/accounts/([^\"]+)\">")]
    private static partial Regex AccountLink();
}
