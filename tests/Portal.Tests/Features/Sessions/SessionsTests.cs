using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Features.Sessions;
using Portal.Tests.Features.Settings;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Sessions;

public sealed class SessionsTests(PortalFactory portal)
{
    [Fact]
    public async Task Logging_out_ends_the_session_so_a_kept_copy_of_the_cookie_is_refused()
    {
        var email = AccountTestKit.NewEmail("logout");
        await AccountTestKit.CreateUserAsync(portal, email);
        var (browser, cookie) = await AccountTestKit.LoginAsync(portal, email);
        Assert.True(await AccountTestKit.IsSignedInAsync(AccountTestKit.WithCookie(portal, cookie)));

        var logout = await PortalFactory.PostFormAsync(browser, "/logout", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        Assert.False(await AccountTestKit.IsSignedInAsync(AccountTestKit.WithCookie(portal, cookie)));
    }

    [Fact]
    public async Task Signing_out_another_session_refuses_that_sessions_cookie_and_keeps_this_one()
    {
        var email = AccountTestKit.NewEmail("signout-one");
        var userId = await AccountTestKit.CreateUserAsync(portal, email);
        var (laptop, _) = await AccountTestKit.LoginAsync(portal, email);
        var (phone, phoneCookie) = await AccountTestKit.LoginAsync(portal, email);
        var phoneSession = await portal.WithDbAsync(db => db.UserSessions
            .Where(s => s.UserId == userId).OrderByDescending(s => s.CreatedAt).Select(s => s.Id).FirstAsync(TestContext.Current.CancellationToken));

        var page = await laptop.GetStringAsync("/settings/sessions", TestContext.Current.CancellationToken);
        Assert.Contains(phoneSession, page, StringComparison.Ordinal);
        Assert.Contains("This device", page, StringComparison.Ordinal);
        var response = await PortalFactory.PostFormAsync(laptop, "/settings/sessions?handler=SignOut", new Dictionary<string, string> { ["id"] = phoneSession }, "/settings/sessions");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.False(await AccountTestKit.IsSignedInAsync(phone));
        Assert.False(await AccountTestKit.IsSignedInAsync(AccountTestKit.WithCookie(portal, phoneCookie)));
        Assert.True(await AccountTestKit.IsSignedInAsync(laptop));
    }

    [Fact]
    public async Task Signing_out_all_other_sessions_ends_them_all_but_this_one()
    {
        var email = AccountTestKit.NewEmail("signout-all");
        await AccountTestKit.CreateUserAsync(portal, email);
        var (laptop, _) = await AccountTestKit.LoginAsync(portal, email);
        var (phone, _) = await AccountTestKit.LoginAsync(portal, email);
        var (tablet, _) = await AccountTestKit.LoginAsync(portal, email);

        var response = await PortalFactory.PostFormAsync(laptop, "/settings/sessions?handler=SignOutOthers", new Dictionary<string, string>(), "/settings/sessions");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.False(await AccountTestKit.IsSignedInAsync(phone));
        Assert.False(await AccountTestKit.IsSignedInAsync(tablet));
        Assert.True(await AccountTestKit.IsSignedInAsync(laptop));
    }

    [Fact]
    public async Task A_session_id_of_another_user_is_not_found_and_ends_nothing()
    {
        var victim = AccountTestKit.NewEmail("victim");
        var victimId = await AccountTestKit.CreateUserAsync(portal, victim);
        var (victimBrowser, _) = await AccountTestKit.LoginAsync(portal, victim);
        var victimSession = await portal.WithDbAsync(db => db.UserSessions.Where(s => s.UserId == victimId).Select(s => s.Id).FirstAsync(TestContext.Current.CancellationToken));
        var attacker = AccountTestKit.NewEmail("attacker");
        await AccountTestKit.CreateUserAsync(portal, attacker);
        var (attackerBrowser, _) = await AccountTestKit.LoginAsync(portal, attacker);

        var response = await PortalFactory.PostFormAsync(attackerBrowser, "/settings/sessions?handler=SignOut", new Dictionary<string, string> { ["id"] = victimSession }, "/settings/sessions");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(await AccountTestKit.IsSignedInAsync(victimBrowser));
    }

    [Fact]
    public async Task The_database_keeps_a_hash_of_the_cookie_key_and_a_sealed_ticket_only()
    {
        var email = AccountTestKit.NewEmail("stored");
        var userId = await AccountTestKit.CreateUserAsync(portal, email);
        await AccountTestKit.LoginAsync(portal, email);

        var row = await portal.WithDbAsync(db => db.UserSessions.AsNoTracking().SingleAsync(s => s.UserId == userId, TestContext.Current.CancellationToken));

        Assert.Equal(43, row.Id.Length); // base64url SHA-256
        Assert.DoesNotContain(email, System.Text.Encoding.UTF8.GetString(row.Ticket), StringComparison.OrdinalIgnoreCase);
        Assert.Null(row.RevokedAt);
    }

    [Fact]
    public async Task A_busy_session_still_ends_12_hours_after_logging_in_and_an_idle_one_after_30_minutes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var clocked = portal.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var email = AccountTestKit.NewEmail("lifetime");
        await AccountTestKit.CreateUserAsync(clocked, email);
        var (busy, _) = await AccountTestKit.LoginAsync(clocked, email);
        var (idle, _) = await AccountTestKit.LoginAsync(clocked, email);

        clock.Advance(TimeSpan.FromMinutes(20));
        Assert.True(await AccountTestKit.IsSignedInAsync(busy));
        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.False(await AccountTestKit.IsSignedInAsync(idle));

        // Used every 20 minutes: alive until the twelfth hour, refused after it.
        var elapsed = TimeSpan.FromMinutes(31);
        while (elapsed + TimeSpan.FromMinutes(20) < SessionTicketStore.AbsoluteTimeout)
        {
            Assert.True(await AccountTestKit.IsSignedInAsync(busy));
            clock.Advance(TimeSpan.FromMinutes(20));
            elapsed += TimeSpan.FromMinutes(20);
        }

        Assert.True(await AccountTestKit.IsSignedInAsync(busy));
        clock.Advance(SessionTicketStore.AbsoluteTimeout - elapsed + TimeSpan.FromMinutes(1));
        Assert.False(await AccountTestKit.IsSignedInAsync(busy));
    }

    [Theory]
    [InlineData(0, 0, true)]
    [InlineData(29, 60, true)]
    [InlineData(31, 60, false)]
    [InlineData(5, 12 * 60 + 1, false)]
    public void A_session_ends_after_30_idle_minutes_or_12_hours_in_all(int idleMinutes, int ageMinutes, bool alive)
    {
        var now = new DateTime(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc);

        Assert.Equal(alive, SessionTicketStore.IsAlive(now.AddMinutes(-ageMinutes), now.AddMinutes(-idleMinutes), now));
    }

    [Fact]
    public void The_device_summary_names_browser_and_platform()
    {
        Assert.Equal("Firefox · Windows", DeviceSummary.From("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"));
        Assert.Equal("Safari · iPhone", DeviceSummary.From("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"));
        Assert.Null(DeviceSummary.From(""));
    }
}
