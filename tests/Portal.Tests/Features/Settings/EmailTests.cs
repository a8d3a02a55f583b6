using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Settings;

public sealed partial class EmailTests(PortalFactory portal)
{
    [Fact]
    public async Task The_email_changes_only_through_the_link_and_the_link_works_once()
    {
        var email = AccountTestKit.NewEmail("old");
        var newEmail = AccountTestKit.NewEmail("new");
        var userId = await AccountTestKit.CreateUserAsync(portal, email);
        var (browser, _) = await AccountTestKit.LoginAsync(portal, email);

        var link = await RequestChangeAsync(portal, browser, newEmail);

        Assert.Equal(email, await EmailOfAsync(portal, userId));
        Assert.Equal(1, await portal.WithDbAsync(db => db.EmailMessages.CountAsync(m => m.To == email && m.Kind == "email-change-notice", TestContext.Current.CancellationToken)));
        var anonymous = AccountTestKit.Browser(portal);
        Assert.Contains("Use " + newEmail, await anonymous.GetStringAsync(link, TestContext.Current.CancellationToken), StringComparison.Ordinal);

        var first = await PortalFactory.PostFormAsync(anonymous, link, new Dictionary<string, string> { ["Token"] = TokenOf(link) });
        Assert.Contains("Your e-mail address is now", await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(newEmail, await EmailOfAsync(portal, userId));

        var again = await PostConfirmAsync(anonymous, link);
        Assert.Contains("expired or has already been used", await again.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        await AccountTestKit.LoginAsync(portal, newEmail);
    }

    [Fact]
    public async Task The_email_change_link_expires_after_24_hours()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var clocked = portal.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var email = AccountTestKit.NewEmail("expiring");
        var userId = await AccountTestKit.CreateUserAsync(clocked, email);
        var (browser, _) = await AccountTestKit.LoginAsync(clocked, email);
        var link = await RequestChangeAsync(clocked, browser, AccountTestKit.NewEmail("too-late"));

        clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        var anonymous = AccountTestKit.Browser(clocked);
        var page = await anonymous.GetStringAsync(link, TestContext.Current.CancellationToken);

        Assert.Contains("expired or has already been used", page, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Token\"", page, StringComparison.Ordinal);
        var post = await PostConfirmAsync(anonymous, link);
        Assert.Contains("expired or has already been used", await post.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(email, await EmailOfAsync(clocked, userId));
    }

    [Fact]
    public async Task A_wrong_password_sends_no_link()
    {
        var email = AccountTestKit.NewEmail("no-link");
        var newEmail = AccountTestKit.NewEmail("never");
        await AccountTestKit.CreateUserAsync(portal, email);
        var (browser, _) = await AccountTestKit.LoginAsync(portal, email);

        var response = await PortalFactory.PostFormAsync(browser, "/settings/email", new Dictionary<string, string>
        {
            ["Input.NewEmail"] = newEmail,
            ["Input.Password"] = "not-my-password",
        });

        Assert.Contains("That is not your password.", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(0, await portal.WithDbAsync(db => db.EmailMessages.CountAsync(m => m.To == newEmail || m.To == email, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task A_forged_token_changes_nothing()
    {
        var anonymous = AccountTestKit.Browser(portal);

        var page = await anonymous.GetStringAsync("/settings/email/confirm?token=CfDJ8forged-token", TestContext.Current.CancellationToken);

        Assert.Contains("expired or has already been used", page, StringComparison.Ordinal);
    }

    private static async Task<string> RequestChangeAsync(WebApplicationFactory<Program> factory, HttpClient browser, string newEmail)
    {
        var response = await PortalFactory.PostFormAsync(browser, "/settings/email", new Dictionary<string, string>
        {
            ["Input.NewEmail"] = newEmail,
            ["Input.Password"] = AccountTestKit.Password,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("We sent a link to", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var body = await AccountTestKit.WithUsersAsync(factory, (_, db) =>
            db.EmailMessages.Where(m => m.To == newEmail && m.Kind == "email-change-confirm").Select(m => m.TextBody).SingleAsync(TestContext.Current.CancellationToken));
        var url = new Uri(ConfirmLink().Match(body).Value);
        return url.PathAndQuery;
    }

    // The page shows no form once the link is dead: post as a replaying client would, with a token from another page.
    private static async Task<HttpResponseMessage> PostConfirmAsync(HttpClient client, string link) =>
        await client.PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Token"] = TokenOf(link),
            ["__RequestVerificationToken"] = await PortalFactory.GetAntiforgeryTokenAsync(client, "/login"),
        }), TestContext.Current.CancellationToken);

    private static string TokenOf(string link) => Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);

    private static Task<string?> EmailOfAsync(WebApplicationFactory<Program> factory, string userId) =>
        AccountTestKit.WithUsersAsync(factory, (_, db) => db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleAsync(TestContext.Current.CancellationToken));

    [GeneratedRegex(@"https?://\S+/settings/email/confirm\?token=\S+")]
    private static partial Regex ConfirmLink();
}
