using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Admin.Audit;
using Portal.Tests.Features.Overview;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Admin.Audit;

public sealed class AuditLogTests(PortalFactory portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_permission_change_by_staff_writes_one_entry_with_before_and_after()
    {
        var account = await portal.NewAccountAsync();
        var user = await Arrange.UserAsync(portal);
        var membershipId = await Arrange.MembershipAsync(portal, user.Id, account.Id, Permissions.All);
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        var saved = await PostAsync(staff, $"/admin/accounts/{account.Number}", "Permissions",
            ("membershipId", membershipId.ToString(CultureInfo.InvariantCulture)), ("permissions", "View"), ("permissions", "SeeMoney"));

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var entries = await EntriesAsync($"{account.Number}/{user.Email}");
        var entry = Assert.Single(entries);
        Assert.Equal("account.permissions_changed", entry.Action);
        Assert.Equal("membership", entry.TargetKind);
        Assert.Equal(DemoData.StaffEmail, entry.ActorEmail);
        Assert.NotNull(entry.ActorId);
        Assert.Equal("""{"Permissions":"All"}""", entry.Before);
        Assert.Equal("""{"Permissions":"View, SeeMoney"}""", entry.After);
    }

    [Fact]
    public async Task A_refused_permission_change_writes_no_entry()
    {
        var account = await portal.NewAccountAsync();
        var user = await Arrange.UserAsync(portal);
        var membershipId = await Arrange.MembershipAsync(portal, user.Id, account.Id, Permissions.All);
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        // No permission at all is refused: the membership is unchanged and nothing is audited.
        await PostAsync(staff, $"/admin/accounts/{account.Number}", "Permissions", ("membershipId", membershipId.ToString(CultureInfo.InvariantCulture)));

        Assert.Empty(await EntriesAsync($"{account.Number}/{user.Email}"));
    }

    [Fact]
    public async Task The_portal_switch_and_a_removal_are_audited()
    {
        var account = await portal.NewAccountAsync();
        var user = await Arrange.UserAsync(portal);
        var membershipId = await Arrange.MembershipAsync(portal, user.Id, account.Id, Permissions.View | Permissions.Pay);
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        await PostAsync(staff, $"/admin/accounts/{account.Number}", "Remove", ("membershipId", membershipId.ToString(CultureInfo.InvariantCulture)));
        await PostAsync(staff, $"/admin/accounts/{account.Number}", "Portal", ("enabled", "false"));

        var removal = Assert.Single(await EntriesAsync($"{account.Number}/{user.Email}"));
        Assert.Equal("account.membership_removed", removal.Action);
        Assert.Equal("""{"Permissions":"View, Pay"}""", removal.Before);
        Assert.Null(removal.After);
        var portalSwitch = Assert.Single(await EntriesAsync(account.Number));
        Assert.Equal("account.portal_changed", portalSwitch.Action);
        Assert.Equal("""{"PortalEnabled":true}""", portalSwitch.Before);
        Assert.Equal("""{"PortalEnabled":false}""", portalSwitch.After);
    }

    [Fact]
    public async Task Sending_resending_and_revoking_an_invitation_each_write_one_entry_and_a_refused_one_none()
    {
        var account = await portal.NewAccountAsync();
        var email = $"audit-{AuthFlowData.Unique()}@test.example";
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        var refused = await PortalFactory.PostFormAsync(staff, "/admin/invitations", new Dictionary<string, string>
        {
            ["Input.Account"] = account.Number,
            ["Input.Email"] = "not-an-email",
            ["Input.Permissions"] = nameof(Permissions.View),
        });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal(0, await portal.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.TargetId!.StartsWith(account.Number + "/"), Ct)));

        await PortalFactory.PostFormAsync(staff, "/admin/invitations", new Dictionary<string, string>
        {
            ["Input.Account"] = account.Number,
            ["Input.Email"] = email,
            ["Input.Permissions"] = nameof(Permissions.Pay),
        });
        var sent = Assert.Single(await EntriesAsync($"{account.Number}/{email}"));
        Assert.Equal("invitation.sent", sent.Action);
        Assert.Null(sent.Before);
        Assert.Contains("\"Permissions\":\"View, Pay\"", sent.After, StringComparison.Ordinal);

        var id = await portal.WithDbAsync(db => db.Invitations.Where(i => i.Email == email).Select(i => i.Id).SingleAsync(Ct));
        var target = id.ToString(CultureInfo.InvariantCulture);
        await PortalFactory.PostFormAsync(staff, $"/admin/invitations?handler=Resend&id={id}", new Dictionary<string, string>(), "/admin/invitations");
        await PortalFactory.PostFormAsync(staff, $"/admin/invitations?handler=Revoke&id={id}", new Dictionary<string, string>(), "/admin/invitations");
        // Revoked: a second revoke is refused and audits nothing.
        await PortalFactory.PostFormAsync(staff, $"/admin/invitations?handler=Revoke&id={id}", new Dictionary<string, string>(), "/admin/invitations");

        var entries = await EntriesAsync(target);
        Assert.Equal(["invitation.resent", "invitation.revoked"], entries.Select(e => e.Action).Order(StringComparer.Ordinal));
        Assert.All(entries, e => Assert.NotNull(e.Before));
        Assert.All(entries, e => Assert.NotNull(e.After));
        Assert.DoesNotContain(entries, e => e.After!.Contains("Token", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Nothing_in_the_application_can_change_or_delete_an_entry()
    {
        var id = await portal.WithDbAsync(async db =>
        {
            var entry = new AuditEntry { Action = "settings.changed", TargetKind = "settings", OccurredAt = DateTime.UtcNow, Before = "{}", After = """{"x":1}""" };
            db.AuditEntries.Add(entry);
            await db.SaveChangesAsync(Ct);
            return entry.Id;
        });

        await portal.WithDbAsync(async db =>
        {
            var tracked = await db.AuditEntries.SingleAsync(a => a.Id == id, Ct);
            tracked.After = """{"x":2}""";
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Ct));
        });
        await portal.WithDbAsync(async db =>
        {
            db.AuditEntries.Remove(await db.AuditEntries.SingleAsync(a => a.Id == id, Ct));
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Ct));
        });
        // Past the change tracker, the database's triggers refuse.
        await portal.WithDbAsync(db => Assert.ThrowsAnyAsync<Exception>(() =>
            db.AuditEntries.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.After, """{"x":3}"""), Ct)));
        await portal.WithDbAsync(db => Assert.ThrowsAnyAsync<Exception>(() => db.AuditEntries.Where(a => a.Id == id).ExecuteDeleteAsync(Ct)));
        await portal.WithDbAsync(db => Assert.ThrowsAnyAsync<Exception>(() =>
            db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"After\" = 'x' WHERE \"Id\" = {id}", Ct)));

        var after = await portal.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(a => a.Id == id, Ct));
        Assert.Equal("""{"x":1}""", after.After);
    }

    [Fact]
    public async Task The_log_lists_newest_first_and_filters_by_actor_action_and_date()
    {
        var marker = "audit-page-" + AuthFlowData.Unique();
        var now = DateTime.UtcNow;
        await portal.WithDbAsync(async db =>
        {
            db.AuditEntries.AddRange(
                new AuditEntry { Action = "invitation.sent", TargetKind = "invitation", TargetId = marker + "-old", ActorEmail = DemoData.StaffEmail, OccurredAt = now.AddDays(-400), After = """{"Email":"x"}""" },
                new AuditEntry { Action = "invitation.sent", TargetKind = "invitation", TargetId = marker + "-new", ActorEmail = DemoData.StaffEmail, OccurredAt = now, Before = """{"b":"before-value"}""", After = """{"a":"after-value"}""" });
            await db.SaveChangesAsync(Ct);
        });
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        var all = await staff.GetStringAsync("/admin/audit?action=invitation.sent", Ct);
        Assert.Contains(marker + "-new", all, StringComparison.Ordinal);
        Assert.Contains("before-value", all, StringComparison.Ordinal);
        Assert.Contains("after-value", all, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/audit\"", all, StringComparison.Ordinal);

        var today = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var ranged = await staff.GetStringAsync($"/admin/audit?action=invitation.sent&from={today}&to={today}", Ct);
        Assert.Contains(marker + "-new", ranged, StringComparison.Ordinal);
        Assert.DoesNotContain(marker + "-old", ranged, StringComparison.Ordinal);

        var otherAction = await staff.GetStringAsync("/admin/audit?action=settings.changed", Ct);
        Assert.DoesNotContain(marker, otherAction, StringComparison.Ordinal);
        var otherActor = await staff.GetStringAsync("/admin/audit?actor=nobody%40nowhere.example", Ct);
        Assert.DoesNotContain(marker, otherActor, StringComparison.Ordinal);

        var badDate = await staff.GetAsync("/admin/audit?from=not-a-date&after=garbage", Ct);
        Assert.Equal(HttpStatusCode.OK, badDate.StatusCode);
    }

    [Fact]
    public async Task A_customer_gets_not_found()
    {
        var customer = await portal.LoginAsync(DemoData.CustomerEmail);

        Assert.Equal(HttpStatusCode.NotFound, (await customer.GetAsync("/admin/audit", Ct)).StatusCode);
    }

    private Task<List<AuditEntry>> EntriesAsync(string targetId) =>
        portal.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.TargetId == targetId).ToListAsync(Ct));

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string page, string handler, params (string Key, string Value)[] fields)
    {
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, page);
        var content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))
            .Append(new KeyValuePair<string, string>("__RequestVerificationToken", token)));
        return await client.PostAsync($"{page}?handler={handler}", content);
    }
}
