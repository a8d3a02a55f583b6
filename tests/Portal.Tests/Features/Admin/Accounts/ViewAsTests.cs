using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Admin.Accounts;
using Portal.Features.Admin.Staff;
using Portal.Tests.Features.Admin.Users;
using Portal.Tests.Features.Overview;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Admin.Accounts;

public sealed class ViewAsTests(PortalFactory portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Starting_a_view_is_audited_and_shows_the_accounts_pages_under_a_banner()
    {
        var (accountId, number) = await Arrange.AccountAsync(portal, "Viewed Company");
        var (otherId, _) = await Arrange.AccountAsync(portal, "Unrelated Company");
        var mine = await Arrange.InvoiceAsync(portal, accountId, new DateOnly(2026, 10, 1), 120m, "BOS");
        var theirs = await Arrange.InvoiceAsync(portal, otherId, new DateOnly(2026, 10, 1), 130m, "BOS");
        var support = await portal.LoginAsync(DemoData.SupportEmail);

        var started = await StartAsync(support, number);

        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        Assert.Equal("/", started.Headers.Location!.OriginalString);
        var entry = await portal.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .SingleAsync(a => a.Action == "account.view_as_started" && a.TargetId == number, Ct));
        Assert.Equal(DemoData.SupportEmail, entry.ActorEmail);
        var overview = WebUtility.HtmlDecode(await support.GetStringAsync("/", Ct));
        Assert.Contains("data-test=\"view-as-banner\"", overview, StringComparison.Ordinal);
        Assert.Contains("You are viewing Viewed Company as staff, read only.", overview, StringComparison.Ordinal);
        Assert.Contains($"action=\"/admin/accounts/{number}?handler=EndViewAs\"", overview, StringComparison.Ordinal);
        var invoices = await support.GetStringAsync("/invoices", Ct);
        Assert.Contains(mine.Number, invoices, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs.Number, invoices, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await support.GetAsync($"/invoices/{mine.Number}", Ct)).StatusCode);
        // Another account's document stays out of reach, as for the account's members.
        Assert.Equal(HttpStatusCode.NotFound, (await support.GetAsync($"/invoices/{theirs.Number}", Ct)).StatusCode);
        // Every permission: the money pages and the user list open.
        Assert.Equal(HttpStatusCode.OK, (await support.GetAsync("/payments", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await support.GetAsync("/users", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("es", "como personal, en solo lectura")]
    [InlineData("fr", "en tant que membre du personnel, en lecture seule")]
    public async Task The_banner_speaks_the_readers_language(string language, string words)
    {
        var (_, number) = await Arrange.AccountAsync(portal);
        var support = await portal.LoginAsync(DemoData.SupportEmail);
        await StartAsync(support, number);

        var html = WebUtility.HtmlDecode(await support.GetStringAsync($"/?culture={language}", Ct));

        Assert.Contains(words, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_while_viewing_is_refused_and_writes_nothing()
    {
        var (accountId, number) = await Arrange.AccountAsync(portal);
        var support = await portal.LoginAsync(DemoData.SupportEmail);
        await StartAsync(support, number);
        var usersPage = await support.GetStringAsync("/users", Ct);
        Assert.Contains("__RequestVerificationToken", usersPage, StringComparison.Ordinal);

        var invite = await PortalFactory.PostFormAsync(support, "/users?handler=Invite", new Dictionary<string, string>
        {
            ["Input.Email"] = Arrange.Unique("invited-") + "@example.com",
            ["Input.Permissions"] = "View",
        }, "/users");
        var pay = await PortalFactory.PostFormAsync(support, "/pay?handler=Review", new Dictionary<string, string>(), "/pay");
        var api = await support.PostAsync("/api/anything", new FormUrlEncodedContent([]), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, invite.StatusCode);
        Assert.Contains("nothing can be changed", await invite.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, pay.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        Assert.False(await portal.WithDbAsync(db => db.Invitations.AnyAsync(i => i.AccountId == accountId, Ct)));
        Assert.False(await portal.WithDbAsync(db => db.Payments.AnyAsync(p => p.AccountId == accountId, Ct)));
    }

    [Theory]
    [InlineData("/settings")]
    [InlineData("/settings/password")]
    [InlineData("/settings/two-factor")]
    [InlineData("/settings/passkeys")]
    [InlineData("/settings/sessions")]
    [InlineData("/settings/email")]
    [InlineData("/accounts")]
    public async Task A_users_own_pages_are_not_reachable_while_viewing(string page)
    {
        var (_, number) = await Arrange.AccountAsync(portal);
        var support = await portal.LoginAsync(DemoData.SupportEmail);
        await StartAsync(support, number);

        var response = await support.GetAsync(page, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_customer_cannot_start_a_view_nor_use_a_staff_members_cookie()
    {
        var (_, number) = await Arrange.AccountAsync(portal);
        var customer = await portal.LoginAsync(DemoData.CustomerEmail);
        var token = await PortalFactory.GetAntiforgeryTokenAsync(customer, "/");

        var started = await customer.PostAsync($"/admin/accounts/{number}?handler=ViewAs",
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)]), Ct);

        Assert.Equal(HttpStatusCode.NotFound, started.StatusCode);
        Assert.False(await portal.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "account.view_as_started" && a.TargetId == number, Ct)));

        // A grant taken from a staff member's browser means nothing to anyone else.
        var support = await portal.LoginAsync(DemoData.SupportEmail);
        var cookie = CookieOf(await StartAsync(support, number));
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", cookie);
        var overview = await (await portal.LoginAsync(DemoData.CustomerEmail)).SendAsync(request, Ct);
        Assert.DoesNotContain("view-as-banner", await overview.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_without_a_role_that_reads_accounts_cannot_start_a_view()
    {
        var (_, number) = await Arrange.AccountAsync(portal);
        // A role the portal does not know (a future or removed one) grants nothing.
        var roleless = await UserAdministrationTests.StaffAsync(portal, (StaffRole)0);
        var staff = await portal.LoginAsync(roleless.Email!);
        var token = await PortalFactory.GetAntiforgeryTokenAsync(staff, "/logout");

        var started = await staff.PostAsync($"/admin/accounts/{number}?handler=ViewAs",
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)]), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, started.StatusCode);
        Assert.False(await portal.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "account.view_as_started" && a.TargetId == number, Ct)));
        var handler = typeof(DetailsModel).GetMethod(nameof(DetailsModel.OnPostViewAsAsync))!;
        Assert.True(StaffRoles.Allows(handler.GetCustomAttributes(inherit: true), StaffRole.Support));
        Assert.False(StaffRoles.Allows(handler.GetCustomAttributes(inherit: true), null));
        Assert.Empty(handler.GetCustomAttributes(typeof(AllowAnonymousAttribute), inherit: true));
    }

    [Fact]
    public async Task Ending_the_view_is_audited_and_returns_to_the_console()
    {
        var (_, number) = await Arrange.AccountAsync(portal);
        var support = await portal.LoginAsync(DemoData.SupportEmail);
        await StartAsync(support, number);
        // The banner's form, on a customer page.
        var token = await PortalFactory.GetAntiforgeryTokenAsync(support, "/");

        var ended = await support.PostAsync($"/admin/accounts/{number}?handler=EndViewAs",
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)]), Ct);

        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Equal($"/admin/accounts/{number}?done=view-ended", ended.Headers.Location!.OriginalString);
        var entry = await portal.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .SingleAsync(a => a.Action == "account.view_as_ended" && a.TargetId == number, Ct));
        Assert.Equal(DemoData.SupportEmail, entry.ActorEmail);
        // Back to staff: the customer pages refuse them again, the console opens.
        Assert.Equal(HttpStatusCode.Forbidden, (await support.GetAsync("/invoices", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await support.GetAsync($"/admin/accounts/{number}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Logging_out_ends_the_view()
    {
        var (_, number) = await Arrange.AccountAsync(portal);
        var support = await portal.LoginAsync(DemoData.SupportEmail);
        await StartAsync(support, number);

        var loggedOut = await PortalFactory.PostFormAsync(support, "/logout", new Dictionary<string, string>(), "/");

        Assert.Equal(HttpStatusCode.Redirect, loggedOut.StatusCode);
        Assert.Contains(loggedOut.Headers.GetValues("Set-Cookie"), c => c.StartsWith("portal-view-as=;", StringComparison.Ordinal));
    }

    private static async Task<HttpResponseMessage> StartAsync(HttpClient staff, string number)
    {
        var token = await PortalFactory.GetAntiforgeryTokenAsync(staff, $"/admin/accounts/{number}");
        var response = await staff.PostAsync($"/admin/accounts/{number}?handler=ViewAs",
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)]), Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response;
    }

    private static string CookieOf(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("portal-view-as=", StringComparison.Ordinal)).Split(';')[0];
}
