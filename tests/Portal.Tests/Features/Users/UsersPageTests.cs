using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Users;

public sealed class UsersPageTests(PortalFactory portal)
{
    private const Permissions Administrator = Permissions.View | Permissions.SeeMoney | Permissions.Pay | Permissions.ManageUsers;

    [Fact]
    public async Task An_administrator_invites_a_colleague_with_fewer_permissions_and_it_is_mailed_recorded_and_pending()
    {
        var (account, admin) = await AccountWithAdministratorAsync();
        var email = $"colleague-{AuthFlowData.Unique()}@test.example";

        var response = await PortalFactory.PostFormAsync(admin, "/users?handler=Invite", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Permissions"] = nameof(Permissions.Pay),
        }, "/users");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var invitation = await portal.WithDbAsync(db => db.Invitations.AsNoTracking().SingleAsync(i => i.Email == email));
        Assert.Equal(account.Id, invitation.AccountId);
        Assert.Equal(Permissions.View | Permissions.Pay, invitation.Permissions);
        Assert.NotNull(await portal.LinkInLatestEmailAsync(email, "invitation"));
        Assert.Contains("invitation.sent", await portal.ActionsAsync(email));
        Assert.Equal(1, await portal.WithDbAsync(db => db.IntegrationEvents.CountAsync(e => e.Type == "user.invited" && e.AccountId == account.Id)));
        var page = await (await admin.GetAsync("/users", TestContext.Current.CancellationToken)).HtmlAsync();
        Assert.Contains($"data-test=\"invitation\" data-email=\"{email}\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inviting_with_a_permission_the_inviter_lacks_is_a_form_error_and_nothing_is_sent()
    {
        var (account, admin) = await AccountWithAdministratorAsync();
        var email = $"too-much-{AuthFlowData.Unique()}@test.example";

        var response = await PortalFactory.PostFormAsync(admin, "/users?handler=Invite", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Permissions"] = nameof(Permissions.Order),
        }, "/users");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("You cannot give permissions you do not hold yourself: Order.", await response.HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await portal.WithDbAsync(db => db.Invitations.CountAsync(i => i.AccountId == account.Id)));
        Assert.Equal(0, await portal.EmailCountAsync(email, "invitation"));
    }

    [Fact]
    public async Task Changing_permissions_saves_them_with_an_activity_entry_and_an_event()
    {
        var (account, admin) = await AccountWithAdministratorAsync();
        var member = await portal.NewUserAsync($"member-{AuthFlowData.Unique()}@test.example", account.Id, Permissions.View | Permissions.Pay);
        var membershipId = await MembershipIdAsync(member.Id, account.Id);

        var response = await PortalFactory.PostFormAsync(admin, "/users?handler=Permissions", new Dictionary<string, string>
        {
            ["membershipId"] = membershipId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["permissions"] = nameof(Permissions.SeeMoney),
        }, "/users");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(Permissions.View | Permissions.SeeMoney, await PermissionsAsync(membershipId));
        Assert.Contains("membership.permissions-changed", await portal.ActionsAsync(member.Email!));
        var payload = await portal.WithDbAsync(db => db.IntegrationEvents.Where(e => e.Type == "user.permissions_changed" && e.AccountId == account.Id).Select(e => e.Payload).SingleAsync());
        Assert.Contains("\"after\":\"View, SeeMoney\"", payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Granting_a_permission_the_administrator_lacks_is_refused_and_nothing_changes()
    {
        var (account, admin) = await AccountWithAdministratorAsync();
        var member = await portal.NewUserAsync($"member-{AuthFlowData.Unique()}@test.example", account.Id, Permissions.View);
        var membershipId = await MembershipIdAsync(member.Id, account.Id);

        var response = await PortalFactory.PostFormAsync(admin, "/users?handler=Permissions", new Dictionary<string, string>
        {
            ["membershipId"] = membershipId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["permissions"] = nameof(Permissions.Order),
        }, "/users");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("You cannot give permissions you do not hold yourself: Order.", await response.HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(Permissions.View, await PermissionsAsync(membershipId));
        Assert.Equal(0, await portal.WithDbAsync(db => db.IntegrationEvents.CountAsync(e => e.Type == "user.permissions_changed" && e.AccountId == account.Id)));
    }

    [Fact]
    public async Task Saving_no_permission_at_all_is_a_form_error_and_nothing_changes()
    {
        var (account, admin) = await AccountWithAdministratorAsync();
        var member = await portal.NewUserAsync($"member-{AuthFlowData.Unique()}@test.example", account.Id, Permissions.View | Permissions.Pay);
        var membershipId = await MembershipIdAsync(member.Id, account.Id);

        var response = await PortalFactory.PostFormAsync(admin, "/users?handler=Permissions", new Dictionary<string, string>
        {
            ["membershipId"] = membershipId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, "/users");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Choose at least one permission.", await response.HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(Permissions.View | Permissions.Pay, await PermissionsAsync(membershipId));
    }

    [Fact]
    public async Task The_last_user_who_may_manage_users_can_be_neither_demoted_nor_removed()
    {
        var (account, admin) = await AccountWithAdministratorAsync();
        var adminMembership = await portal.WithDbAsync(db => db.Memberships.Where(m => m.AccountId == account.Id).Select(m => m.Id).SingleAsync());
        var id = adminMembership.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var demote = await PortalFactory.PostFormAsync(admin, "/users?handler=Permissions", new Dictionary<string, string>
        {
            ["membershipId"] = id,
            ["permissions"] = nameof(Permissions.Pay),
        }, "/users");
        var remove = await PortalFactory.PostFormAsync(admin, "/users?handler=Remove", new Dictionary<string, string> { ["membershipId"] = id }, "/users");

        Assert.Equal(HttpStatusCode.OK, demote.StatusCode);
        Assert.Contains("is the last user who may manage users on this account", await demote.HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, remove.StatusCode);
        Assert.Contains("is the last user who may manage users on this account and cannot be removed", await remove.HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(Administrator, await PermissionsAsync(adminMembership));
        Assert.Equal(0, await portal.WithDbAsync(db => db.IntegrationEvents.CountAsync(e => e.AccountId == account.Id && (e.Type == "user.removed" || e.Type == "user.permissions_changed"))));
    }

    [Fact]
    public async Task Two_administrators_demoting_each_other_at_once_leave_one_of_them()
    {
        var account = await portal.NewAccountAsync();
        var first = await portal.NewUserAsync($"a-{AuthFlowData.Unique()}@test.example", account.Id, Administrator);
        var second = await portal.NewUserAsync($"b-{AuthFlowData.Unique()}@test.example", account.Id, Administrator);
        var firstId = await MembershipIdAsync(first.Id, account.Id);
        var secondId = await MembershipIdAsync(second.Id, account.Id);

        var results = await Task.WhenAll(
            DemoteAsync(firstId, first.Id),
            DemoteAsync(secondId, second.Id));

        Assert.Single(results, r => r is Portal.Features.Users.AccountUserResult.Success);
        Assert.Equal(1, await portal.WithDbAsync(db => db.Memberships.CountAsync(m => m.AccountId == account.Id && (m.Permissions & Permissions.ManageUsers) == Permissions.ManageUsers)));

        async Task<Portal.Features.Users.AccountUserResult> DemoteAsync(long membershipId, string actor)
        {
            await using var scope = portal.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<Portal.Features.Users.AccountUsers>();
            return await users.ChangePermissionsAsync(account.Id, membershipId, Permissions.View, Administrator, actor, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_removed_user_loses_the_account_at_once_and_is_signed_out_when_no_account_is_left()
    {
        var (account, admin) = await AccountWithAdministratorAsync();
        var email = $"leaver-{AuthFlowData.Unique()}@test.example";
        var leaver = await portal.NewUserAsync(email, account.Id, Permissions.View);
        var leaverClient = await portal.LoginAsync(email, AuthFlowData.StrongPassword);
        Assert.Equal(HttpStatusCode.OK, (await leaverClient.GetAsync("/invoices", TestContext.Current.CancellationToken)).StatusCode);
        var membershipId = await MembershipIdAsync(leaver.Id, account.Id);

        var response = await PortalFactory.PostFormAsync(admin, "/users?handler=Remove", new Dictionary<string, string>
        {
            ["membershipId"] = membershipId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, "/users");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.False(await portal.WithDbAsync(db => db.Memberships.AnyAsync(m => m.Id == membershipId)));
        var next = await leaverClient.GetAsync("/invoices", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        Assert.Contains("/login", next.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Contains("membership.removed", await portal.ActionsAsync(email));
        Assert.Equal(1, await portal.WithDbAsync(db => db.IntegrationEvents.CountAsync(e => e.Type == "user.removed" && e.AccountId == account.Id)));
    }

    [Fact]
    public async Task A_user_removed_from_one_of_two_accounts_keeps_the_other_and_cannot_reach_the_first()
    {
        var (account, admin) = await AccountWithAdministratorAsync();
        var other = await portal.NewAccountAsync();
        var email = $"two-{AuthFlowData.Unique()}@test.example";
        var user = await portal.NewUserAsync(email, account.Id, Permissions.View | Permissions.SeeMoney);
        await portal.WithDbAsync(async db =>
        {
            db.Memberships.Add(new Membership { UserId = user.Id, AccountId = other.Id, Permissions = Permissions.View, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        });
        var client = await portal.LoginAsync(email, AuthFlowData.StrongPassword);
        var switched = await PortalFactory.PostFormAsync(client, "/accounts", new Dictionary<string, string> { ["accountId"] = account.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.True(switched.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK);
        Assert.Contains(account.Number, await (await client.GetAsync("/invoices", TestContext.Current.CancellationToken)).HtmlAsync(), StringComparison.Ordinal);

        await PortalFactory.PostFormAsync(admin, "/users?handler=Remove", new Dictionary<string, string>
        {
            ["membershipId"] = (await MembershipIdAsync(user.Id, account.Id)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, "/users");

        var after = await (await client.GetAsync("/invoices", TestContext.Current.CancellationToken)).HtmlAsync();
        Assert.DoesNotContain(account.Number, after, StringComparison.Ordinal);
        Assert.Contains(other.Number, after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_accounts_membership_or_invitation_is_not_found_and_unchanged()
    {
        var (_, admin) = await AccountWithAdministratorAsync();
        var foreign = await portal.NewAccountAsync();
        var stranger = await portal.NewUserAsync($"stranger-{AuthFlowData.Unique()}@test.example", foreign.Id, Permissions.View);
        var foreignMembership = (await MembershipIdAsync(stranger.Id, foreign.Id)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var foreignInvitation = await portal.WithDbAsync(async db =>
        {
            var (_, hash) = Portal.Features.Invitations.Invitation.NewToken();
            var invitation = new Portal.Features.Invitations.Invitation { AccountId = foreign.Id, Email = $"f-{AuthFlowData.Unique()}@test.example", Permissions = Permissions.View, TokenHash = hash, CreatedAt = DateTime.UtcNow, SentAt = DateTime.UtcNow, ExpiresAt = DateTime.UtcNow.AddDays(1) };
            db.Invitations.Add(invitation);
            await db.SaveChangesAsync();
            return invitation.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });

        var change = await PortalFactory.PostFormAsync(admin, "/users?handler=Permissions", new Dictionary<string, string> { ["membershipId"] = foreignMembership, ["permissions"] = nameof(Permissions.Pay) }, "/users");
        var remove = await PortalFactory.PostFormAsync(admin, "/users?handler=Remove", new Dictionary<string, string> { ["membershipId"] = foreignMembership }, "/users");
        var revoke = await PortalFactory.PostFormAsync(admin, "/users?handler=Revoke", new Dictionary<string, string> { ["invitationId"] = foreignInvitation }, "/users");
        var resend = await PortalFactory.PostFormAsync(admin, "/users?handler=Resend", new Dictionary<string, string> { ["invitationId"] = foreignInvitation }, "/users");

        Assert.All([change, remove, revoke, resend], r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        Assert.Equal(Permissions.View, await PermissionsAsync(long.Parse(foreignMembership, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Null(await portal.WithDbAsync(db => db.Invitations.Where(i => i.AccountId == foreign.Id).Select(i => i.RevokedAt).SingleAsync()));
    }

    [Fact]
    public async Task Pending_invitations_are_resent_with_a_new_link_and_revoked()
    {
        var (account, admin) = await AccountWithAdministratorAsync();
        var email = $"pending-{AuthFlowData.Unique()}@test.example";
        await PortalFactory.PostFormAsync(admin, "/users?handler=Invite", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Permissions"] = nameof(Permissions.View) }, "/users");
        var first = await portal.LinkInLatestEmailAsync(email, "invitation");
        var id = (await portal.WithDbAsync(db => db.Invitations.Where(i => i.Email == email).Select(i => i.Id).SingleAsync())).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var resend = await PortalFactory.PostFormAsync(admin, "/users?handler=Resend", new Dictionary<string, string> { ["invitationId"] = id }, "/users");
        var second = await portal.LinkInLatestEmailAsync(email, "invitation");
        var revoke = await PortalFactory.PostFormAsync(admin, "/users?handler=Revoke", new Dictionary<string, string> { ["invitationId"] = id }, "/users");

        Assert.Equal(HttpStatusCode.Redirect, resend.StatusCode);
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        Assert.Equal(["invitation.sent", "invitation.resent", "invitation.revoked"], (await portal.ActionsAsync(email)).Where(a => a.StartsWith("invitation.", StringComparison.Ordinal)));
        var page = await (await admin.GetAsync("/users", TestContext.Current.CancellationToken)).HtmlAsync();
        Assert.DoesNotContain(email, page, StringComparison.Ordinal);
        Assert.Equal(2, await portal.EmailCountAsync(email, "invitation"));
        _ = account;
    }

    [Fact]
    public async Task The_menu_shows_users_only_to_members_who_may_manage_them()
    {
        var (account, admin) = await AccountWithAdministratorAsync();
        var email = $"plain-{AuthFlowData.Unique()}@test.example";
        await portal.NewUserAsync(email, account.Id, Permissions.View);
        var plain = await portal.LoginAsync(email, AuthFlowData.StrongPassword);

        var adminHome = await (await admin.GetAsync("/invoices", TestContext.Current.CancellationToken)).HtmlAsync();
        var plainHome = await (await plain.GetAsync("/invoices", TestContext.Current.CancellationToken)).HtmlAsync();

        Assert.Contains("href=\"/users\"", adminHome, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/users\"", plainHome, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.GetAsync("/users", TestContext.Current.CancellationToken)).StatusCode);
    }

    private async Task<(AuthFlowData.TestAccount Account, HttpClient Admin)> AccountWithAdministratorAsync()
    {
        var account = await portal.NewAccountAsync();
        var email = $"admin-{AuthFlowData.Unique()}@test.example";
        await portal.NewUserAsync(email, account.Id, Administrator);
        return (account, await portal.LoginAsync(email, AuthFlowData.StrongPassword));
    }

    private Task<long> MembershipIdAsync(string userId, long accountId) =>
        portal.WithDbAsync(db => db.Memberships.Where(m => m.UserId == userId && m.AccountId == accountId).Select(m => m.Id).SingleAsync());

    private Task<Permissions> PermissionsAsync(long membershipId) =>
        portal.WithDbAsync(db => db.Memberships.Where(m => m.Id == membershipId).Select(m => m.Permissions).SingleAsync());
}
