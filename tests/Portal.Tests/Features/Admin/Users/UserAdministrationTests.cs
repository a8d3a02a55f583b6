using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Admin.Staff;
using Portal.Features.Identity;
using Portal.Tests.Features.Overview;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Admin.Users;

public sealed class UserAdministrationTests(PortalFactory portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_disabled_users_old_cookie_is_refused_on_the_next_request_and_their_login_is_refused_with_a_clear_message()
    {
        var (user, customer) = await CustomerAsync();
        Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync("/", Ct)).StatusCode);
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        var disabled = await PostAsync(staff, user.Id, "Disable");

        Assert.Equal(HttpStatusCode.Redirect, disabled.StatusCode);
        var next = await customer.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        Assert.Contains("/login", next.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(0, await portal.WithDbAsync(db => db.UserSessions.CountAsync(s => s.UserId == user.Id && s.RevokedAt == null, Ct)));

        var again = portal.CreateBrowserClient();
        var login = await PortalFactory.PostFormAsync(again, "/login", new Dictionary<string, string> { ["Input.Login"] = user.Email!, ["Input.Password"] = DemoData.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("This login has been disabled", await login.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // A wrong password gets the answer every failure gets: nothing says the login exists.
        var guess = await PortalFactory.PostFormAsync(portal.CreateBrowserClient(), "/login", new Dictionary<string, string> { ["Input.Login"] = user.Email!, ["Input.Password"] = "not-the-password" });
        Assert.DoesNotContain("disabled", await guess.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var entry = await EntryAsync("user.disabled", user.Email!);
        Assert.Equal("""{"Disabled":false}""", entry.Before);
        Assert.Contains("\"Disabled\":true", entry.After, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(staff, user.Id, "Enable")).StatusCode);
        await portal.LoginAsync(user.Email!);
        Assert.NotNull(await EntryAsync("user.enabled", user.Email!));
    }

    [Fact]
    public async Task Signing_a_user_out_everywhere_ends_every_session_at_once()
    {
        var (user, customer) = await CustomerAsync();
        var (_, second) = (user, await portal.LoginAsync(user.Email!));
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(staff, user.Id, "SignOut")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await customer.GetAsync("/", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await second.GetAsync("/", Ct)).StatusCode);
        var entry = await EntryAsync("user.signed_out_everywhere", user.Email!);
        Assert.Equal("""{"Sessions":2}""", entry.Before);
    }

    [Fact]
    public async Task Support_staff_unlock_a_locked_login()
    {
        var (user, _) = await CustomerAsync();
        var until = DateTimeOffset.UtcNow.AddMinutes(10);
        await portal.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutEnd, until).SetProperty(u => u.AccessFailedCount, 5), Ct));
        var support = await portal.LoginAsync(DemoData.SupportEmail);
        Assert.Contains("Locked until", await support.GetStringAsync($"/admin/users/{user.Id}", Ct), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(support, user.Id, "Unlock")).StatusCode);

        Assert.Null(await portal.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.LockoutEnd).SingleAsync(Ct)));
        var entry = await EntryAsync("user.unlocked", user.Email!);
        Assert.Equal(DemoData.SupportEmail, entry.ActorEmail);
        Assert.Contains("LockedUntil", entry.Before, StringComparison.Ordinal);
        await portal.LoginAsync(user.Email!);
    }

    [Fact]
    public async Task Support_staff_may_not_disable_reset_or_sign_out_a_user()
    {
        var (user, customer) = await CustomerAsync();
        var support = await portal.LoginAsync(DemoData.SupportEmail);

        foreach (var handler in new[] { "Disable", "SignOut", "ResetTwoFactor" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(support, user.Id, handler)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync("/", Ct)).StatusCode);
        Assert.Null(await portal.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.DisabledAt).SingleAsync(Ct)));
    }

    [Fact]
    public async Task After_a_two_factor_reset_the_user_must_set_it_up_again()
    {
        var (user, customer) = await CustomerAsync();
        await portal.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TwoFactorEnabled, true), Ct));
        var staff = await portal.LoginAsync(DemoData.StaffEmail);
        Assert.Contains("Reset two-factor", await staff.GetStringAsync($"/admin/users/{user.Id}", Ct), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(staff, user.Id, "ResetTwoFactor")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await customer.GetAsync("/", Ct)).StatusCode);
        var again = await portal.LoginAsync(user.Email!);
        var home = await again.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/settings/two-factor", home.Headers.Location!.OriginalString);
        Assert.Contains("was reset", await again.GetStringAsync("/settings/two-factor", Ct), StringComparison.Ordinal);
        var entry = await EntryAsync("user.two_factor_reset", user.Email!);
        Assert.Equal("""{"TwoFactor":true}""", entry.Before);
    }

    [Fact]
    public async Task The_users_page_shows_accounts_sessions_and_activity_and_never_a_password()
    {
        var (user, _) = await CustomerAsync();
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        var page = await staff.GetStringAsync($"/admin/users/{user.Id}", Ct);

        Assert.Contains("20001", page, StringComparison.Ordinal);
        Assert.Contains("data-test=\"sessions\"", page, StringComparison.Ordinal);
        Assert.Contains("login.succeeded", page, StringComparison.Ordinal);
        Assert.DoesNotContain("type=\"password\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("AQAAAA", page, StringComparison.Ordinal);
        var account = await staff.GetStringAsync("/admin/accounts/20001", Ct);
        Assert.Contains($"/admin/users/{user.Id}", account, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/admin/users/no-such-user", Ct)).StatusCode);
    }

    private async Task<(PortalUser User, HttpClient Browser)> CustomerAsync()
    {
        var user = await Arrange.UserAsync(portal);
        await Arrange.MembershipAsync(portal, user.Id, await Arrange.AccountIdAsync(portal, "20001"), Permissions.View);
        return (user, await portal.LoginAsync(user.Email!));
    }

    private Task<Portal.Features.Admin.Audit.AuditEntry> EntryAsync(string action, string target) =>
        portal.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == action && a.TargetId == target).OrderByDescending(a => a.Id).FirstAsync(Ct));

    internal static async Task<HttpResponseMessage> PostAsync(HttpClient client, string userId, string handler)
    {
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, "/logout");
        return await client.PostAsync($"/admin/users/{userId}?handler={handler}", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
    }

    /// <summary>A staff login with the demo password and the given role.</summary>
    internal static async Task<PortalUser> StaffAsync(PortalFactory portal, StaffRole role)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var email = Arrange.Unique("staff-") + "@example.com";
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, IsStaff = true, StaffRole = role, CreatedAt = DateTime.UtcNow };
        var result = await users.CreateAsync(user, DemoData.Password);
        Assert.True(result.Succeeded);
        return user;
    }
}
