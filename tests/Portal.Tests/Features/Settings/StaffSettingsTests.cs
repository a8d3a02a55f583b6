using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Admin.Staff;
using Portal.Features.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Settings;

/// <summary>Staff have the customers' sign-in security pages, inside the console's frame.</summary>
public sealed class StaffSettingsTests(PortalFactory portal)
{
    private const string NewPassword = "Harbor-Quilt-7730";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/settings/password", "Change password")]
    [InlineData("/settings/two-factor", "Two-factor authentication")]
    [InlineData("/settings/passkeys", "Passkeys")]
    [InlineData("/settings/sessions", "Where you&#x27;re signed in")]
    public async Task Staff_open_their_security_pages_in_the_console_frame(string url, string heading)
    {
        var staff = await portal.LoginAsync(DemoData.SupportEmail);

        var response = await staff.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains(heading, html, StringComparison.Ordinal);
        // The console's menu, with the settings entry current, and none of the customer's pages.
        Assert.Contains("href=\"/admin/accounts\"", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/settings/password\" aria-current=\"page\">My settings</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/invoices\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/settings/payment-methods\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/settings/email\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_staff_user_menu_leads_to_their_settings_and_a_customers_profile_page_stays_theirs()
    {
        var staff = await portal.LoginAsync(DemoData.SupportEmail);

        var console = await staff.GetStringAsync("/admin", Ct);
        var profile = await staff.GetAsync("/settings", Ct);

        Assert.Contains("href=\"/settings/password\" class=\"user-name\"", console, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, profile.StatusCode);
    }

    [Fact]
    public async Task A_staff_member_changes_their_password_and_signs_in_with_the_new_one()
    {
        var email = AccountTestKit.NewEmail("staff-password");
        var userId = await AccountTestKit.CreateUserAsync(portal, email);
        await portal.WithDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.Id == userId, Ct);
            user.IsStaff = true;
            user.StaffRole = StaffRole.Support;
            await db.SaveChangesAsync(Ct);
            return 0;
        });
        var (staff, _) = await AccountTestKit.LoginAsync(portal, email);

        var response = await PortalFactory.PostFormAsync(staff, "/settings/password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = AccountTestKit.Password,
            ["Input.NewPassword"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/admin", Ct)).StatusCode);
        var (again, _) = await AccountTestKit.LoginAsync(portal, email, NewPassword);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/admin", Ct)).StatusCode);
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var stored = await users.FindByIdAsync(userId);
        Assert.False(await users.CheckPasswordAsync(stored!, AccountTestKit.Password));
    }
}
