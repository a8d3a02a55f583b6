using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.PasswordReset;

public sealed partial class ForgotAndResetTests(PortalFactory portal)
{
    private const string NewPassword = "copper-meadow-sailing-17";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Forgot_password_answers_identically_for_known_and_unknown_emails_and_mails_only_the_known()
    {
        var known = $"known-{AuthFlowData.Unique()}@test.example";
        await portal.NewUserAsync(known);
        var unknown = $"unknown-{AuthFlowData.Unique()}@test.example";

        var forKnown = await PortalFactory.PostFormAsync(portal.CreateBrowserClient(), "/forgot-password", new Dictionary<string, string> { ["Email"] = known });
        var forUnknown = await PortalFactory.PostFormAsync(portal.CreateBrowserClient(), "/forgot-password", new Dictionary<string, string> { ["Email"] = unknown });

        Assert.Equal(forKnown.StatusCode, forUnknown.StatusCode);
        Assert.Equal(CardOf(await forKnown.HtmlAsync()), CardOf(await forUnknown.HtmlAsync()));
        Assert.Equal(1, await portal.EmailCountAsync(known, "password-reset"));
        Assert.Equal(0, await portal.EmailCountAsync(unknown, "password-reset"));
        Assert.Contains("password.reset_requested", await portal.ActionsAsync(known));
        Assert.Contains("password.reset_requested", await portal.ActionsAsync(unknown));
    }

    [Fact]
    public async Task A_reset_link_works_once_rotates_the_stamp_and_does_not_sign_the_user_in()
    {
        var email = $"reset-{AuthFlowData.Unique()}@test.example";
        var user = await portal.NewUserAsync(email);
        var stampBefore = user.SecurityStamp;
        var link = await RequestLinkAsync(email);
        var client = portal.CreateBrowserClient();

        var response = await PortalFactory.PostFormAsync(client, link, ResetForm(NewPassword));

        Assert.Contains("Your password was changed", await response.HtmlAsync(), StringComparison.Ordinal);
        var stampAfter = await portal.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.SecurityStamp).SingleAsync(Ct));
        Assert.NotEqual(stampBefore, stampAfter);
        var overview = await client.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, overview.StatusCode);
        Assert.StartsWith("/login", overview.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        await portal.LoginAsync(email, NewPassword);
        Assert.Equal(1, await portal.EmailCountAsync(email, "password-changed"));

        var replay = await PortalFactory.PostFormAsync(portal.CreateBrowserClient(), link, ResetForm("another-fresh-phrase-99"));

        Assert.Contains("This link is not valid anymore", await replay.HtmlAsync(), StringComparison.Ordinal);
        await portal.LoginAsync(email, NewPassword);
        Assert.Contains("password.reset_failed", await portal.ActionsAsync(email));
    }

    [Fact]
    public async Task A_reset_signs_out_the_other_sessions()
    {
        var email = $"sessions-{AuthFlowData.Unique()}@test.example";
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = portal.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.Configure<SecurityStampValidatorOptions>(o => o.TimeProvider = clock);
        }));
        var account = await portal.NewAccountAsync();
        await portal.NewUserAsync(email, account.Id);
        var other = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var login = await PortalFactory.PostFormAsync(other, "/login", new Dictionary<string, string> { ["Input.Login"] = email, ["Input.Password"] = AuthFlowData.StrongPassword });
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/", Ct)).StatusCode);

        await PortalFactory.PostFormAsync(factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }), "/forgot-password", new Dictionary<string, string> { ["Email"] = email });
        var link = (await portal.LinkInLatestEmailAsync(email, "password-reset"))!;
        var reset = await PortalFactory.PostFormAsync(factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }), link, ResetForm(NewPassword));
        Assert.Contains("Your password was changed", await reset.HtmlAsync(), StringComparison.Ordinal);

        // At once: the session store revokes the sessions (no waiting for the stamp check).
        var after = await other.GetAsync("/", Ct);

        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login", after.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reset_link_expires_after_30_minutes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = portal.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var email = $"late-{AuthFlowData.Unique()}@test.example";
        await portal.NewUserAsync(email);
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await PortalFactory.PostFormAsync(client, "/forgot-password", new Dictionary<string, string> { ["Email"] = email });
        var link = (await portal.LinkInLatestEmailAsync(email, "password-reset"))!;
        var antiforgery = await PortalFactory.GetAntiforgeryTokenAsync(client, link);

        clock.Advance(TimeSpan.FromMinutes(31));
        var response = await client.PostAsync(link, new FormUrlEncodedContent(ResetForm(NewPassword).Append(new("__RequestVerificationToken", antiforgery))), Ct);

        Assert.Contains("This link is not valid anymore", await response.HtmlAsync(), StringComparison.Ordinal);
        await portal.LoginAsync(email, AuthFlowData.StrongPassword);
    }

    [Theory]
    [InlineData("password1234", "one of the most common passwords")]
    [InlineData("qwertyuiop", "one of the most common passwords")]
    [InlineData("short", "Passwords must be at least 8 characters.")]
    public async Task A_weak_password_is_refused_with_a_clear_message_and_the_link_still_works(string weak, string message)
    {
        var email = $"weakreset-{AuthFlowData.Unique()}@test.example";
        await portal.NewUserAsync(email);
        var link = await RequestLinkAsync(email);

        var response = await PortalFactory.PostFormAsync(portal.CreateBrowserClient(), link, ResetForm(weak));

        Assert.Contains(message, await response.HtmlAsync(), StringComparison.Ordinal);
        await portal.LoginAsync(email, AuthFlowData.StrongPassword);
        var retry = await PortalFactory.PostFormAsync(portal.CreateBrowserClient(), link, ResetForm(NewPassword));
        Assert.Contains("Your password was changed", await retry.HtmlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_containing_the_email_name_is_refused()
    {
        var name = "marguerite" + AuthFlowData.Unique()[..4];
        var email = $"{name}@test.example";
        await portal.NewUserAsync(email);
        var link = await RequestLinkAsync(email);

        var response = await PortalFactory.PostFormAsync(portal.CreateBrowserClient(), link, ResetForm("My-" + name + "-garden"));

        Assert.Contains("must not contain your e-mail address", await response.HtmlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_link_with_an_overlong_email_gets_the_clear_message_not_an_error()
    {
        var url = "/reset-password?token=forged&email=" + new string('a', 400) + "%40test.example";

        var response = await PortalFactory.PostFormAsync(portal.CreateBrowserClient(), url, ResetForm(NewPassword));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This link is not valid anymore", await response.HtmlAsync(), StringComparison.Ordinal);
    }

    private async Task<string> RequestLinkAsync(string email)
    {
        await PortalFactory.PostFormAsync(portal.CreateBrowserClient(), "/forgot-password", new Dictionary<string, string> { ["Email"] = email });
        var link = await portal.LinkInLatestEmailAsync(email, "password-reset");
        Assert.NotNull(link);
        Assert.StartsWith("/reset-password?token=", link, StringComparison.Ordinal);
        return link;
    }

    private static Dictionary<string, string> ResetForm(string password) => new()
    {
        ["Password"] = password,
        ["ConfirmPassword"] = password,
    };

    // The page's card, without the per-response antiforgery values.
    private static string CardOf(string html) => Card().Match(html).Value;

    [GeneratedRegex("<div class=\"card\">.*?</div>\\s*</div>", RegexOptions.Singleline)]
    private static partial Regex Card();
}
