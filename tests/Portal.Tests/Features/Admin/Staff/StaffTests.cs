using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Admin.Staff;
using Portal.Infrastructure;
using Portal.Tests.Features.Admin.Users;
using Portal.Tests.Features.Overview;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Admin.Staff;

public sealed class StaffTests(PortalFactory portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_staff_page_lists_staff_with_role_two_factor_and_last_sign_in()
    {
        var administrator = await portal.LoginAsync(DemoData.StaffEmail);

        var page = await administrator.GetStringAsync("/admin/staff", Ct);

        Assert.Contains(DemoData.StaffEmail, page, StringComparison.Ordinal);
        Assert.Contains(DemoData.SupportEmail, page, StringComparison.Ordinal);
        Assert.Contains("Support", page, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoData.CustomerEmail, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invited_staff_member_chooses_their_own_password_from_the_link_and_gets_the_role()
    {
        var administrator = await portal.LoginAsync(DemoData.StaffEmail);
        var email = Arrange.Unique("new-staff-") + "@example.com";

        var sent = await PostAsync(administrator, "Invite", ("Input.Email", email), ("Input.Name", "New Person"), ("Input.Role", "Support"));

        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var created = await portal.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Email == email, Ct));
        Assert.True(created.IsStaff);
        Assert.Equal(StaffRole.Support, created.StaffRole);
        Assert.Null(created.PasswordHash);
        Assert.Equal("""{"Email":"%s","Role":"Support"}""".Replace("%s", email, StringComparison.Ordinal), (await EntryAsync("staff.invited", email)).After);

        var link = await portal.LinkInLatestEmailAsync(email, "staff-invitation");
        Assert.NotNull(link);
        var browser = portal.CreateBrowserClient();
        var chosen = await PortalFactory.PostFormAsync(browser, link!, new Dictionary<string, string>
        {
            ["Password"] = "Correct-Horse-Battery-9",
            ["ConfirmPassword"] = "Correct-Horse-Battery-9",
        });
        Assert.Contains("invitation-done", await chosen.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // The link works once.
        Assert.Contains("invitation-problem", await portal.CreateBrowserClient().GetStringAsync(link!, Ct), StringComparison.Ordinal);
        var support = await portal.LoginAsync(email, "Correct-Horse-Battery-9");
        Assert.Equal(HttpStatusCode.OK, (await support.GetAsync("/admin", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await support.GetAsync("/admin/staff", Ct)).StatusCode);
    }

    [Fact]
    public async Task Inviting_an_address_that_has_a_login_changes_nothing()
    {
        var administrator = await portal.LoginAsync(DemoData.StaffEmail);
        var before = await portal.WithDbAsync(db => db.Users.CountAsync(Ct));

        var refused = await PostAsync(administrator, "Invite", ("Input.Email", DemoData.CustomerEmail), ("Input.Role", "Support"));
        var invalid = await PostAsync(administrator, "Invite", ("Input.Email", "not an address"), ("Input.Role", "Support"));

        Assert.Contains("belongs to a customer", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("Enter a valid e-mail address", await invalid.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(before, await portal.WithDbAsync(db => db.Users.CountAsync(Ct)));
    }

    [Fact]
    public async Task Changing_a_role_ends_the_staff_members_sessions_and_is_audited()
    {
        var member = await UserAdministrationTests.StaffAsync(portal, StaffRole.Support);
        var theirs = await portal.LoginAsync(member.Email!);
        Assert.Equal(HttpStatusCode.Forbidden, (await theirs.GetAsync("/admin/staff", Ct)).StatusCode);
        var administrator = await portal.LoginAsync(DemoData.StaffEmail);

        var saved = await PostAsync(administrator, "Role", ("id", member.Id), ("role", "Administrator"));

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await theirs.GetAsync("/admin", Ct)).StatusCode);
        var again = await portal.LoginAsync(member.Email!);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/admin/staff", Ct)).StatusCode);
        var entry = await EntryAsync("staff.role_changed", member.Email!);
        Assert.Equal("""{"Role":"Support"}""", entry.Before);
        Assert.Equal("""{"Role":"Administrator"}""", entry.After);

        // Back to support, so the demo administrator stays the only one other tests count on.
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(administrator, "Role", ("id", member.Id), ("role", "Support"))).StatusCode);
    }

    [Fact]
    public async Task Staff_cannot_disable_themselves_and_the_last_administrator_cannot_be_demoted()
    {
        await using var own = new PortalFactory();
        await own.InitializeAsync();
        var administrator = await own.LoginAsync(DemoData.StaffEmail);
        var id = await own.WithDbAsync(db => db.Users.Where(u => u.Email == DemoData.StaffEmail).Select(u => u.Id).SingleAsync(Ct));

        var disabled = await PostAsync(administrator, "Disable", ("id", id));
        var demoted = await PostAsync(administrator, "Role", ("id", id), ("role", "Support"));

        Assert.Equal(HttpStatusCode.Conflict, disabled.StatusCode);
        Assert.Contains("cannot disable your own login", await disabled.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, demoted.StatusCode);
        Assert.Contains("at least one enabled administrator", await demoted.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var user = await own.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == id, Ct));
        Assert.Null(user.DisabledAt);
        Assert.Equal(StaffRole.Administrator, user.StaffRole);
        Assert.False(await own.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "staff.role_changed" || a.Action == "user.disabled", Ct)));
    }

    [Fact]
    public async Task Two_administrators_disabling_or_demoting_each_other_at_once_leave_one_enabled_administrator()
    {
        await using var own = new PortalFactory();
        await own.InitializeAsync();

        // Several rounds, half of them demotions: one lucky interleaving must not hide a race.
        for (var round = 0; round < 6; round++)
        {
            var first = await UserAdministrationTests.StaffAsync(own, StaffRole.Administrator);
            var second = await UserAdministrationTests.StaffAsync(own, StaffRole.Administrator);
            // These two are the console's only enabled administrators.
            await own.WithDbAsync(db => db.Users
                .Where(u => u.IsStaff && u.Id != first.Id && u.Id != second.Id && u.DisabledAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.DisabledAt, DateTime.UtcNow), Ct));
            var demote = round % 2 == 1;

            var results = await Task.WhenAll(ActAsync(second.Id, first.Id), ActAsync(first.Id, second.Id));

            Assert.Single(results, r => r == Portal.Features.Admin.Users.UserActionResult.Done);
            Assert.Single(results, r => r == Portal.Features.Admin.Users.UserActionResult.LastAdministrator);
            var left = await own.WithDbAsync(db => db.Users.CountAsync(
                u => u.IsStaff && u.DisabledAt == null && (u.StaffRole == null || u.StaffRole == StaffRole.Administrator), Ct));
            Assert.Equal(1, left);

            async Task<Portal.Features.Admin.Users.UserActionResult> ActAsync(string target, string actor)
            {
                await using var scope = own.Services.CreateAsyncScope();
                var administration = scope.ServiceProvider.GetRequiredService<Portal.Features.Admin.Users.UserAdministration>();
                return demote
                    ? await administration.ChangeStaffRoleAsync(target, StaffRole.Support, Ct)
                    : await administration.DisableAsync(target, actor, Ct);
            }
        }
    }

    [Fact]
    public async Task Staff_without_two_factor_are_sent_to_set_it_up_while_the_operator_requires_it()
    {
        await using var own = new PortalFactory();
        await own.InitializeAsync();
        await own.WithDbAsync(async db =>
        {
            var settings = await db.OperatorSettings.SingleAsync(Ct);
            settings.RequireTwoFactorForStaff = true;
            await db.SaveChangesAsync(Ct);
        });
        own.Services.GetRequiredService<OperatorSettingsCache>().Invalidate();
        var support = await own.LoginAsync(DemoData.SupportEmail);

        var console = await support.GetAsync("/admin/accounts", Ct);

        Assert.Equal(HttpStatusCode.Redirect, console.StatusCode);
        Assert.Equal("/settings/two-factor", console.Headers.Location!.OriginalString);
        var setup = await support.GetStringAsync("/settings/two-factor", Ct);
        Assert.Contains("Staff must use two-factor authentication", setup, StringComparison.Ordinal);
        // A customer is not affected by the staff setting.
        var customer = await own.LoginAsync(DemoData.CustomerEmail);
        Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync("/", Ct)).StatusCode);
    }

    private Task<Portal.Features.Admin.Audit.AuditEntry> EntryAsync(string action, string target) =>
        portal.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == action && a.TargetId == target).OrderByDescending(a => a.Id).FirstAsync(Ct));

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string handler, params (string Key, string Value)[] fields)
    {
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, "/admin/staff");
        var content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))
            .Append(new KeyValuePair<string, string>("__RequestVerificationToken", token)));
        return await client.PostAsync($"/admin/staff?handler={handler}", content);
    }
}
