using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Tests.Features.Overview;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Admin.Accounts;

public sealed class DetailsTests(PortalFactory portal)
{
    [Fact]
    public async Task Staff_see_the_account_its_family_and_its_members()
    {
        var client = await portal.LoginAsync(DemoData.StaffEmail);

        var html = await client.GetStringAsync("/admin/accounts/10002", TestContext.Current.CancellationToken);

        Assert.Contains("Bayside Construction - North Yard", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/accounts/10001\"", html, StringComparison.Ordinal);
        Assert.Contains("data-test=\"billed-to-parent\">Yes<", html, StringComparison.Ordinal);
        Assert.Contains("data-figure=\"balance\"", html, StringComparison.Ordinal);
        var parent = await client.GetStringAsync("/admin/accounts/10001", TestContext.Current.CancellationToken);
        Assert.Contains(DemoData.CustomerEmail, parent, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/accounts/10003\"", parent, StringComparison.Ordinal);
        Assert.DoesNotContain("PasswordHash", parent, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_unknown_account_number_is_not_found()
    {
        var client = await portal.LoginAsync(DemoData.StaffEmail);

        var response = await client.GetAsync("/admin/accounts/NO-SUCH-ACCOUNT", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_permission_change_takes_effect_on_the_customers_next_request()
    {
        var ct = TestContext.Current.CancellationToken;
        var bayside = await Arrange.AccountIdAsync(portal, "10001");
        var user = await Arrange.UserAsync(portal);
        var membershipId = await Arrange.MembershipAsync(portal, user.Id, bayside, Permissions.All);
        var customer = await portal.LoginAsync(user.Email!);
        Assert.Contains("href=\"/pay\"", await customer.GetStringAsync("/", ct), StringComparison.Ordinal);
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        var saved = await PostAsync(staff, "/admin/accounts/10001", "Permissions",
            ("membershipId", membershipId.ToString(CultureInfo.InvariantCulture)), ("permissions", "View"), ("permissions", "SeeMoney"));

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var html = await customer.GetStringAsync("/", ct);
        Assert.Contains("data-figure=\"balance\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/pay\"", html, StringComparison.Ordinal);
        var (permissions, logged) = await portal.WithDbAsync(async db => (
            await db.Memberships.Where(m => m.Id == membershipId).Select(m => m.Permissions).SingleAsync(ct),
            await db.ActivityEntries.AnyAsync(a => a.Action == "membership.permissions-changed" && a.Detail!.Contains(user.Email!), ct)));
        Assert.Equal(Permissions.View | Permissions.SeeMoney, permissions);
        Assert.True(logged);
    }

    [Fact]
    public async Task A_membership_of_another_account_cannot_be_changed_through_this_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var bayside = await Arrange.AccountIdAsync(portal, "10001");
        var user = await Arrange.UserAsync(portal);
        var membershipId = await Arrange.MembershipAsync(portal, user.Id, bayside, Permissions.View);
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        var response = await PostAsync(staff, "/admin/accounts/20001", "Remove", ("membershipId", membershipId.ToString(CultureInfo.InvariantCulture)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(await portal.WithDbAsync(db => db.Memberships.AnyAsync(m => m.Id == membershipId, ct)));
    }

    [Fact]
    public async Task Removing_a_member_takes_the_account_away_from_them()
    {
        var ct = TestContext.Current.CancellationToken;
        var (accountId, number) = await Arrange.AccountAsync(portal);
        var user = await Arrange.UserAsync(portal);
        var membershipId = await Arrange.MembershipAsync(portal, user.Id, accountId, Permissions.All);
        var customer = await portal.LoginAsync(user.Email!);
        Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync("/", ct)).StatusCode);
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        var response = await PostAsync(staff, $"/admin/accounts/{number}", "Remove", ("membershipId", membershipId.ToString(CultureInfo.InvariantCulture)));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var after = await customer.GetAsync("/", ct);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/accounts/none", after.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Disabling_an_account_for_the_portal_hides_it_from_its_users_and_is_logged()
    {
        var ct = TestContext.Current.CancellationToken;
        var (accountId, number) = await Arrange.AccountAsync(portal);
        var user = await Arrange.UserAsync(portal);
        await Arrange.MembershipAsync(portal, user.Id, accountId, Permissions.All);
        var customer = await portal.LoginAsync(user.Email!);
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        var disabled = await PostAsync(staff, $"/admin/accounts/{number}", "Portal", ("enabled", "false"));

        Assert.Equal(HttpStatusCode.Redirect, disabled.StatusCode);
        Assert.Equal("/accounts/none", (await customer.GetAsync("/", ct)).Headers.Location!.OriginalString);
        Assert.True(await portal.WithDbAsync(db => db.ActivityEntries.AnyAsync(a => a.Action == "account.portal-disabled" && a.AccountId == accountId, ct)));

        await PostAsync(staff, $"/admin/accounts/{number}", "Portal", ("enabled", "true"));

        Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync("/", ct)).StatusCode);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string page, string handler, params (string Key, string Value)[] fields)
    {
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, page);
        var content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))
            .Append(new KeyValuePair<string, string>("__RequestVerificationToken", token)));
        return await client.PostAsync($"{page}?handler={handler}", content);
    }
}
