using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Data;
using Portal.Features.Identity;
using Portal.Features.TwoFactor;
using Portal.Tests.Features.Settings;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.TwoFactor;

public sealed class OneTimeAuthenticatorTokenProviderTests(PortalFactory portal)
{
    [Fact]
    public async Task A_code_is_accepted_once_and_an_older_one_is_refused_after_a_newer_one()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var email = AccountTestKit.NewEmail("provider");
        var userId = await AccountTestKit.CreateUserAsync(portal, email);
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = (await users.FindByIdAsync(userId))!;
        await users.ResetAuthenticatorKeyAsync(user);
        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        var provider = new OneTimeAuthenticatorTokenProvider(scope.ServiceProvider.GetRequiredService<PortalDb>(), clock);
        var now = clock.GetUtcNow();
        var current = AccountTestKit.TotpCode(key, now);
        var previous = AccountTestKit.TotpCode(key, now.AddSeconds(-30));
        var twoAgo = AccountTestKit.TotpCode(key, now.AddSeconds(-60));

        Assert.False(await provider.ValidateAsync("", twoAgo, users, user));
        Assert.True(await provider.ValidateAsync("", current, users, user));
        Assert.False(await provider.ValidateAsync("", current, users, user));
        Assert.False(await provider.ValidateAsync("", previous, users, user));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await provider.ValidateAsync("", AccountTestKit.TotpCode(key, clock.GetUtcNow()), users, user));
    }

    [Fact]
    public void The_app_computes_the_rfc_6238_reference_value()
    {
        // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (the last six digits here).
        var key = "12345678901234567890"u8.ToArray();

        Assert.Equal("287082", Totp.Code(key, 59 / 30));
        Assert.Equal("081804", Totp.Code(key, 1111111109 / 30));
    }
}
