using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Settings;

public sealed class PasswordTests(PortalFactory portal)
{
    private const string NewPassword = "Harbor-Quilt-7730";

    [Fact]
    public async Task Changing_the_password_signs_out_the_other_sessions_and_keeps_this_one()
    {
        var email = AccountTestKit.NewEmail("password");
        var userId = await AccountTestKit.CreateUserAsync(portal, email);
        var (laptop, _) = await AccountTestKit.LoginAsync(portal, email);
        var (phone, phoneCookie) = await AccountTestKit.LoginAsync(portal, email);

        var response = await PortalFactory.PostFormAsync(laptop, "/settings/password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = AccountTestKit.Password,
            ["Input.NewPassword"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.False(await AccountTestKit.IsSignedInAsync(phone));
        Assert.False(await AccountTestKit.IsSignedInAsync(AccountTestKit.WithCookie(portal, phoneCookie)));
        Assert.True(await AccountTestKit.IsSignedInAsync(laptop));
        await AccountTestKit.LoginAsync(portal, email, NewPassword);
        var trail = await portal.WithDbAsync(db => db.ActivityEntries.Where(a => a.UserId == userId).Select(a => a.Action).ToListAsync(TestContext.Current.CancellationToken));
        Assert.Contains("password.changed", trail);
        var notice = await portal.WithDbAsync(db => db.EmailMessages.CountAsync(m => m.To == email && m.Kind == "password-changed", TestContext.Current.CancellationToken));
        Assert.Equal(1, notice);
    }

    [Fact]
    public async Task A_wrong_current_password_gets_a_field_error_and_changes_nothing()
    {
        var email = AccountTestKit.NewEmail("password-wrong");
        await AccountTestKit.CreateUserAsync(portal, email);
        var (laptop, _) = await AccountTestKit.LoginAsync(portal, email);
        var (phone, _) = await AccountTestKit.LoginAsync(portal, email);

        var response = await PortalFactory.PostFormAsync(laptop, "/settings/password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = "not-my-password",
            ["Input.NewPassword"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("That is not your current password.", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.True(await AccountTestKit.IsSignedInAsync(phone));
        await AccountTestKit.LoginAsync(portal, email);
    }

    [Fact]
    public async Task New_passwords_that_differ_are_refused()
    {
        var email = AccountTestKit.NewEmail("password-mismatch");
        await AccountTestKit.CreateUserAsync(portal, email);
        var (laptop, _) = await AccountTestKit.LoginAsync(portal, email);

        var response = await PortalFactory.PostFormAsync(laptop, "/settings/password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = AccountTestKit.Password,
            ["Input.NewPassword"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword + "x",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("do not match", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        await AccountTestKit.LoginAsync(portal, email);
    }
}
