using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Infrastructure;
using Portal.Tests.Features.Settings;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.TwoFactor;

public sealed class AuthenticatorTests(PortalFactory portal)
{
    [Fact]
    public async Task Turning_on_needs_a_right_code_and_shows_ten_recovery_codes_once()
    {
        var email = AccountTestKit.NewEmail("totp-on");
        var userId = await AccountTestKit.CreateUserAsync(portal, email);
        var (browser, _) = await AccountTestKit.LoginAsync(portal, email);
        var key = AccountTestKit.SharedKeyFrom(await browser.GetStringAsync("/settings/two-factor", TestContext.Current.CancellationToken));

        var wrong = await PostEnableAsync(browser, AccountTestKit.TotpCode(key, DateTimeOffset.UtcNow) == "000000" ? "111111" : "000000");
        Assert.Contains("That code is not right", await wrong.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.False(await TwoFactorEnabledAsync(userId));

        var right = await PostEnableAsync(browser, AccountTestKit.TotpCode(key, DateTimeOffset.UtcNow));
        var html = await right.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True(await TwoFactorEnabledAsync(userId));
        var codes = AccountTestKit.RecoveryCodesFrom(html);
        Assert.Equal(10, codes.Distinct().Count());
        var stored = await portal.WithDbAsync(db => db.UserTokens.Where(t => t.UserId == userId && t.Name == "RecoveryCodes").Select(t => t.Value).SingleAsync(TestContext.Current.CancellationToken));
        Assert.DoesNotContain(codes[0], stored!, StringComparison.Ordinal);
        Assert.Empty(AccountTestKit.RecoveryCodesFrom(await browser.GetStringAsync("/settings/two-factor", TestContext.Current.CancellationToken)));
        Assert.True(await AccountTestKit.IsSignedInAsync(browser));
    }

    [Fact]
    public async Task The_setup_page_shows_the_link_as_a_qr_code_image_the_content_policy_allows()
    {
        var email = AccountTestKit.NewEmail("totp-qr");
        await AccountTestKit.CreateUserAsync(portal, email);
        var (browser, _) = await AccountTestKit.LoginAsync(portal, email);

        var response = await browser.GetAsync("/settings/two-factor", TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        var link = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "id=\"authenticator-uri\">([^<]+)<").Groups[1].Value);
        Assert.StartsWith("otpauth://totp/", link, StringComparison.Ordinal);
        var src = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "<img src=\"([^\"]+)\" id=\"authenticator-qr\"").Groups[1].Value);
        // The image is the QR code of the very link (and so of the key) shown beside it, as a PNG.
        Assert.Equal(Portal.Features.TwoFactor.AuthenticatorQrCode.DataUri(link), src);
        var png = Convert.FromBase64String(src["data:image/png;base64,".Length..]);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Contains("QR code of the key", html, StringComparison.Ordinal);
        var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Matches("img-src [^;]*data:", csp);
    }

    [Fact]
    public async Task Logging_in_takes_a_code_and_the_same_code_is_refused_the_second_time()
    {
        var email = AccountTestKit.NewEmail("totp-login");
        var (key, _, _) = await EnableAsync(email);
        // Enabling used the current time step: the next one is still inside the accepted window.
        var code = AccountTestKit.TotpCode(key, DateTimeOffset.UtcNow.AddSeconds(30));

        var first = AccountTestKit.Browser(portal);
        var step1 = await AccountTestKit.PostLoginAsync(first, email);
        Assert.Equal(HttpStatusCode.Redirect, step1.StatusCode);
        Assert.StartsWith("/login/two-factor", step1.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.False(await AccountTestKit.IsSignedInAsync(first));
        var ok = await PostSecondStepAsync(first, code, recovery: false);
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.True(await AccountTestKit.IsSignedInAsync(first));

        var replay = AccountTestKit.Browser(portal);
        await AccountTestKit.PostLoginAsync(replay, email);
        var refused = await PostSecondStepAsync(replay, code, recovery: false);

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("used already", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.False(await AccountTestKit.IsSignedInAsync(replay));
    }

    [Fact]
    public async Task A_recovery_code_logs_in_once_and_the_others_still_work()
    {
        var email = AccountTestKit.NewEmail("totp-recovery");
        var (_, codes, _) = await EnableAsync(email);

        var first = AccountTestKit.Browser(portal);
        await AccountTestKit.PostLoginAsync(first, email);
        var ok = await PostSecondStepAsync(first, codes[3].ToLowerInvariant(), recovery: true);
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.True(await AccountTestKit.IsSignedInAsync(first));

        var replay = AccountTestKit.Browser(portal);
        await AccountTestKit.PostLoginAsync(replay, email);
        var refused = await PostSecondStepAsync(replay, codes[3], recovery: true);

        Assert.Contains("not valid, or it was used already", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.False(await AccountTestKit.IsSignedInAsync(replay));

        var another = AccountTestKit.Browser(portal);
        await AccountTestKit.PostLoginAsync(another, email);
        Assert.Equal(HttpStatusCode.Redirect, (await PostSecondStepAsync(another, codes[7], recovery: true)).StatusCode);
        Assert.True(await AccountTestKit.IsSignedInAsync(another));
    }

    [Fact]
    public async Task The_second_step_without_a_password_first_goes_back_to_login()
    {
        var response = await AccountTestKit.Browser(portal).GetAsync("/login/two-factor", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Turning_off_needs_the_password_and_then_login_has_one_step()
    {
        var email = AccountTestKit.NewEmail("totp-off");
        var (_, _, browser) = await EnableAsync(email);

        var refused = await PostDisableAsync(browser, "not-my-password");
        Assert.Contains("Enter your password or a current code", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var userId = await portal.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync(TestContext.Current.CancellationToken));
        Assert.True(await TwoFactorEnabledAsync(userId));

        var done = await PostDisableAsync(browser, AccountTestKit.Password);

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.False(await TwoFactorEnabledAsync(userId));
        Assert.True(await AccountTestKit.IsSignedInAsync(browser));
        var login = await AccountTestKit.PostLoginAsync(AccountTestKit.Browser(portal), email);
        Assert.DoesNotContain("two-factor", login.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payer_without_two_factor_is_sent_to_set_it_up_while_the_operator_requires_it()
    {
        await using var own = new PortalFactory();
        await own.InitializeAsync();
        await own.WithDbAsync(async db =>
        {
            var settings = await db.OperatorSettings.SingleAsync(TestContext.Current.CancellationToken);
            settings.RequireTwoFactorForPayers = true;
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        own.Services.GetRequiredService<OperatorSettingsCache>().Invalidate();
        var payer = AccountTestKit.NewEmail("payer");
        await AccountTestKit.CreateUserAsync(own, payer, "20001", Permissions.View | Permissions.Pay | Permissions.SeeMoney);
        var viewer = AccountTestKit.NewEmail("viewer");
        await AccountTestKit.CreateUserAsync(own, viewer, "20001", Permissions.View);

        var (payerBrowser, _) = await AccountTestKit.LoginAsync(own, payer);
        var home = await payerBrowser.GetAsync("/", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/settings/two-factor", home.Headers.Location!.OriginalString);
        var setup = await payerBrowser.GetStringAsync("/settings/two-factor", TestContext.Current.CancellationToken);
        Assert.Contains("two-factor-required", setup, StringComparison.Ordinal);

        var (viewerBrowser, _) = await AccountTestKit.LoginAsync(own, viewer);
        Assert.Equal(HttpStatusCode.OK, (await viewerBrowser.GetAsync("/", TestContext.Current.CancellationToken)).StatusCode);

        var key = AccountTestKit.SharedKeyFrom(setup);
        var enabled = await PostEnableAsync(payerBrowser, AccountTestKit.TotpCode(key, DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await payerBrowser.GetAsync("/", TestContext.Current.CancellationToken)).StatusCode);
    }

    private async Task<(string Key, IReadOnlyList<string> RecoveryCodes, HttpClient Browser)> EnableAsync(string email)
    {
        await AccountTestKit.CreateUserAsync(portal, email);
        var (browser, _) = await AccountTestKit.LoginAsync(portal, email);
        var key = AccountTestKit.SharedKeyFrom(await browser.GetStringAsync("/settings/two-factor", TestContext.Current.CancellationToken));
        var response = await PostEnableAsync(browser, AccountTestKit.TotpCode(key, DateTimeOffset.UtcNow));
        var codes = AccountTestKit.RecoveryCodesFrom(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(10, codes.Count);
        return (key, codes, browser);
    }

    private static Task<HttpResponseMessage> PostEnableAsync(HttpClient browser, string code) =>
        PortalFactory.PostFormAsync(browser, "/settings/two-factor?handler=Enable", new Dictionary<string, string> { ["Code"] = code }, "/settings/two-factor");

    private static Task<HttpResponseMessage> PostDisableAsync(HttpClient browser, string proof) =>
        PortalFactory.PostFormAsync(browser, "/settings/two-factor?handler=Disable", new Dictionary<string, string> { ["Proof"] = proof }, "/settings/two-factor");

    private static Task<HttpResponseMessage> PostSecondStepAsync(HttpClient browser, string code, bool recovery) =>
        PortalFactory.PostFormAsync(
            browser,
            "/login/two-factor",
            new Dictionary<string, string> { ["Code"] = code, ["Recovery"] = recovery ? "true" : "false" },
            recovery ? "/login/two-factor?recovery=true" : "/login/two-factor");

    private Task<bool> TwoFactorEnabledAsync(string userId) =>
        portal.WithDbAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.TwoFactorEnabled).SingleAsync(TestContext.Current.CancellationToken));
}
