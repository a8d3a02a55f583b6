using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Settings;

public sealed class IndexTests(PortalFactory portal)
{
    [Fact]
    public async Task My_account_shows_the_current_accounts_billing_details_and_whom_to_ask_to_change_them()
    {
        var email = AccountTestKit.NewEmail("billing");
        await AccountTestKit.CreateUserAsync(portal, email, "20001");
        var (browser, _) = await AccountTestKit.LoginAsync(portal, email);

        var html = await browser.GetStringAsync("/settings", TestContext.Current.CancellationToken);

        Assert.Contains("Greenleaf Landscaping Co.", html, StringComparison.Ordinal);
        Assert.Contains("02903", html, StringComparison.Ordinal);
        Assert.Contains("billing@summit-rental.example", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_profile_is_saved_and_a_typed_phone_number_is_not_a_login()
    {
        var email = AccountTestKit.NewEmail("profile");
        var userId = await AccountTestKit.CreateUserAsync(portal, email);
        var (browser, _) = await AccountTestKit.LoginAsync(portal, email);

        var response = await PortalFactory.PostFormAsync(browser, "/settings?handler=Profile", new Dictionary<string, string>
        {
            ["Profile.DisplayName"] = "Robin Vega",
            ["Profile.PhoneNumber"] = "(617) 555-0199",
        }, "/settings");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var user = await UserAsync(userId);
        Assert.Equal("Robin Vega", user.DisplayName);
        Assert.Equal("6175550199", user.PhoneNumber);
        Assert.False(user.PhoneNumberConfirmed);
    }

    [Fact]
    public async Task An_empty_name_gets_a_field_error_and_changes_nothing()
    {
        var email = AccountTestKit.NewEmail("profile-empty");
        var userId = await AccountTestKit.CreateUserAsync(portal, email);
        var (browser, _) = await AccountTestKit.LoginAsync(portal, email);

        var response = await PortalFactory.PostFormAsync(browser, "/settings?handler=Profile", new Dictionary<string, string>
        {
            ["Profile.DisplayName"] = "",
            ["Profile.PhoneNumber"] = "12",
        }, "/settings");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("7 to 15 digits", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal("Test User", (await UserAsync(userId)).DisplayName);
    }

    [Fact]
    public async Task Notification_subscriptions_are_saved_per_user()
    {
        var email = AccountTestKit.NewEmail("notifications");
        var userId = await AccountTestKit.CreateUserAsync(portal, email);
        var (browser, _) = await AccountTestKit.LoginAsync(portal, email);
        Assert.Equal(NotificationKinds.Default, (await UserAsync(userId)).Notifications);

        var response = await browser.PostAsync("/settings?handler=Notifications", new FormUrlEncodedContent(
        [
            new("Subscribed", "InvoiceIssued"),
            new("Subscribed", "Marketing"),
            new("__RequestVerificationToken", await PortalFactory.GetAntiforgeryTokenAsync(browser, "/settings")),
        ]), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(NotificationKinds.InvoiceIssued | NotificationKinds.Marketing, (await UserAsync(userId)).Notifications);
    }

    [Fact]
    public async Task The_language_is_saved_on_the_user_and_in_the_culture_cookie()
    {
        var email = AccountTestKit.NewEmail("language");
        var userId = await AccountTestKit.CreateUserAsync(portal, email);
        var (browser, _) = await AccountTestKit.LoginAsync(portal, email);

        var response = await PortalFactory.PostFormAsync(browser, "/settings?handler=Language", new Dictionary<string, string> { ["Language"] = "fr" }, "/settings");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Culture=c%3Dfr", StringComparison.Ordinal));
        Assert.Equal("fr", (await UserAsync(userId)).PreferredCulture);
    }

    private Task<PortalUser> UserAsync(string id) =>
        portal.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == id, TestContext.Current.CancellationToken));
}
