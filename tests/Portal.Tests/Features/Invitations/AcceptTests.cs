using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Features.Invitations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Invitations;

public sealed class AcceptTests(PortalFactory portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_user_accepts_sets_a_password_is_signed_in_and_gets_the_membership_with_a_confirmed_email()
    {
        var account = await portal.NewAccountAsync();
        var email = $"invitee-{AuthFlowData.Unique()}@test.example";
        var link = await InviteAsync(portal, account.Id, email, Permissions.Pay);
        var client = portal.CreateBrowserClient();

        var form = await (await client.GetAsync(link, Ct)).HtmlAsync();
        Assert.Contains("Create my login", form, StringComparison.Ordinal);
        var response = await PortalFactory.PostFormAsync(client, link, new Dictionary<string, string>
        {
            ["Input.Name"] = "Ivy Invitee",
            ["Input.Password"] = AuthFlowData.StrongPassword,
            ["Input.ConfirmPassword"] = AuthFlowData.StrongPassword,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        var overview = await client.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        Assert.Contains(account.Name, await overview.HtmlAsync(), StringComparison.Ordinal);
        var (confirmed, permissions) = await portal.WithDbAsync(async db =>
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Email == email, Ct);
            var membership = await db.Memberships.AsNoTracking().SingleAsync(m => m.UserId == user.Id, Ct);
            return (user.EmailConfirmed, membership.Permissions);
        });
        Assert.True(confirmed);
        Assert.Equal(Permissions.View | Permissions.Pay, permissions);
        Assert.Contains("invitation.accepted", await portal.ActionsAsync(email));
    }

    [Fact]
    public async Task A_used_link_cannot_be_replayed()
    {
        var account = await portal.NewAccountAsync();
        var email = $"replay-{AuthFlowData.Unique()}@test.example";
        var link = await InviteAsync(portal, account.Id, email, Permissions.View);
        var first = portal.CreateBrowserClient();
        await PortalFactory.PostFormAsync(first, link, NewUserForm());
        var attacker = portal.CreateBrowserClient();

        var html = await (await attacker.GetAsync(link, Ct)).HtmlAsync();

        Assert.Contains("This invitation was already accepted.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Create my login", html, StringComparison.Ordinal);
        Assert.Equal(1, await portal.WithDbAsync(db => db.Memberships.CountAsync(m => m.AccountId == account.Id, Ct)));
        Assert.Contains("invitation.failed", await portal.ActionsAsync(email));
    }

    [Fact]
    public async Task A_resent_invitation_voids_the_old_link()
    {
        var account = await portal.NewAccountAsync();
        var email = $"resend-{AuthFlowData.Unique()}@test.example";
        var oldLink = await InviteAsync(portal, account.Id, email, Permissions.View);
        var id = await portal.WithDbAsync(db => db.Invitations.Where(i => i.Email == email).Select(i => i.Id).SingleAsync(Ct));
        var staff = await portal.LoginAsync(Portal.Data.DemoData.StaffEmail);

        var resent = await PortalFactory.PostFormAsync(staff, $"/admin/invitations?handler=Resend&id={id}", new Dictionary<string, string>(), "/admin/invitations");

        Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        Assert.Equal(2, await portal.EmailCountAsync(email, "invitation"));
        var newLink = await portal.LinkInLatestEmailAsync(email, "invitation");
        Assert.NotEqual(oldLink, newLink);
        var client = portal.CreateBrowserClient();
        Assert.Contains("This invitation link is not valid.", await (await client.GetAsync(oldLink, Ct)).HtmlAsync(), StringComparison.Ordinal);
        Assert.Contains("Create my login", await (await client.GetAsync(newLink, Ct)).HtmlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_invitation_cannot_be_accepted()
    {
        var account = await portal.NewAccountAsync();
        var email = $"revoked-{AuthFlowData.Unique()}@test.example";
        var link = await InviteAsync(portal, account.Id, email, Permissions.View);
        var id = await portal.WithDbAsync(db => db.Invitations.Where(i => i.Email == email).Select(i => i.Id).SingleAsync(Ct));
        var client = portal.CreateBrowserClient();
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, link);
        var staff = await portal.LoginAsync(Portal.Data.DemoData.StaffEmail);
        await PortalFactory.PostFormAsync(staff, $"/admin/invitations?handler=Revoke&id={id}", new Dictionary<string, string>(), "/admin/invitations");

        var response = await PostAsync(client, link, token, NewUserForm());

        Assert.Contains("This invitation was withdrawn.", await response.HtmlAsync(), StringComparison.Ordinal);
        Assert.False(await portal.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == email, Ct)));
    }

    [Fact]
    public async Task A_forged_token_gets_a_clear_message_and_is_in_the_trail()
    {
        var client = portal.CreateBrowserClient();
        var before = await portal.WithDbAsync(db => db.ActivityEntries.CountAsync(a => a.Action == "invitation.failed" && a.Detail == "unknown", Ct));

        var html = await (await client.GetAsync("/invitations/accept?token=forged-" + AuthFlowData.Unique(), Ct)).HtmlAsync();

        Assert.Contains("This invitation link is not valid.", html, StringComparison.Ordinal);
        var after = await portal.WithDbAsync(db => db.ActivityEntries.CountAsync(a => a.Action == "invitation.failed" && a.Detail == "unknown", Ct));
        Assert.Equal(before + 1, after);
    }

    [Fact]
    public async Task Loading_the_accept_page_without_a_token_explains_and_writes_nothing_to_the_trail()
    {
        var client = portal.CreateBrowserClient();
        var before = await portal.WithDbAsync(db => db.ActivityEntries.CountAsync(a => a.Action == "invitation.failed", Ct));

        var html = await (await client.GetAsync("/invitations/accept", Ct)).HtmlAsync();
        await client.GetAsync("/invitations/accept?token=", Ct);

        Assert.Contains("This invitation link is not valid.", html, StringComparison.Ordinal);
        var after = await portal.WithDbAsync(db => db.ActivityEntries.CountAsync(a => a.Action == "invitation.failed", Ct));
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_common_password_is_refused_with_a_clear_message_and_nothing_is_created()
    {
        var account = await portal.NewAccountAsync();
        var email = $"weak-{AuthFlowData.Unique()}@test.example";
        var link = await InviteAsync(portal, account.Id, email, Permissions.View);
        var client = portal.CreateBrowserClient();

        var response = await PortalFactory.PostFormAsync(client, link, new Dictionary<string, string>
        {
            ["Input.Name"] = "Wes Weak",
            ["Input.Password"] = "password123",
            ["Input.ConfirmPassword"] = "password123",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("one of the most common passwords", await response.HtmlAsync(), StringComparison.Ordinal);
        Assert.False(await portal.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == email, Ct)));
        Assert.True(await portal.WithDbAsync(db => db.Invitations.AnyAsync(i => i.Email == email && i.AcceptedAt == null, Ct)));
    }

    [Fact]
    public async Task An_existing_user_logs_in_and_just_gains_the_membership()
    {
        var home = await portal.NewAccountAsync();
        var second = await portal.NewAccountAsync();
        var email = $"existing-{AuthFlowData.Unique()}@test.example";
        var user = await portal.NewUserAsync(email, home.Id);
        var link = await InviteAsync(portal, second.Id, email, Permissions.Pay);

        var anonymous = await (await portal.CreateBrowserClient().GetAsync(link, Ct)).HtmlAsync();
        Assert.Contains("Log in to accept", anonymous, StringComparison.Ordinal);
        Assert.DoesNotContain("Create my login", anonymous, StringComparison.Ordinal);

        var client = await portal.LoginAsync(email, AuthFlowData.StrongPassword);
        var response = await PortalFactory.PostFormAsync(client, link.Replace("?", "?handler=Join&", StringComparison.Ordinal), new Dictionary<string, string> { ["Token"] = TokenOf(link) }, link);

        Assert.Contains("You now have access to", await response.HtmlAsync(), StringComparison.Ordinal);
        var memberships = await portal.WithDbAsync(db => db.Memberships.AsNoTracking().Where(m => m.UserId == user.Id).OrderBy(m => m.AccountId).Select(m => new { m.AccountId, m.Permissions }).ToListAsync(Ct));
        Assert.Equal(2, memberships.Count);
        Assert.Equal(Permissions.View | Permissions.Pay, memberships.Single(m => m.AccountId == second.Id).Permissions);
        Assert.Equal(1, await portal.WithDbAsync(db => db.Users.CountAsync(u => u.Email == email, Ct)));
    }

    [Fact]
    public async Task An_existing_membership_keeps_its_permissions_and_the_page_says_so()
    {
        var account = await portal.NewAccountAsync();
        var email = $"member-{AuthFlowData.Unique()}@test.example";
        var link = await InviteAsync(portal, account.Id, email, Permissions.Pay | Permissions.ManageUsers);
        // The membership appeared after the invitation was sent (another invitation, or the API).
        await portal.NewUserAsync(email, account.Id, Permissions.View);
        var client = await portal.LoginAsync(email, AuthFlowData.StrongPassword);

        var response = await PortalFactory.PostFormAsync(client, link.Replace("?", "?handler=Join&", StringComparison.Ordinal), new Dictionary<string, string> { ["Token"] = TokenOf(link) }, link);

        Assert.Contains("Your permissions there are unchanged", await response.HtmlAsync(), StringComparison.Ordinal);
        var permissions = await portal.WithDbAsync(db => db.Memberships.Where(m => m.AccountId == account.Id).Select(m => m.Permissions).SingleAsync(Ct));
        Assert.Equal(Permissions.View, permissions);
    }

    [Fact]
    public async Task An_invitation_link_expires_after_72_hours()
    {
        var clock = new MutableTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = portal.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var account = await portal.NewAccountAsync();
        var email = $"expiry-{AuthFlowData.Unique()}@test.example";
        string link;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<InvitationService>().InviteAsync(account.Id, email, Permissions.View, null, Ct);
            Assert.IsType<InvitationResult.Success>(result);
            link = (await portal.LinkInLatestEmailAsync(email, "invitation"))!;
        }

        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        clock.Advance(TimeSpan.FromHours(71.9));
        Assert.Contains("Create my login", await (await client.GetAsync(link, Ct)).HtmlAsync(), StringComparison.Ordinal);
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, link);

        clock.Advance(TimeSpan.FromHours(0.2));
        var response = await PostAsync(client, link, token, NewUserForm());

        Assert.Contains("This invitation has expired.", await response.HtmlAsync(), StringComparison.Ordinal);
        Assert.False(await portal.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == email, Ct)));
        Assert.Contains("invitation.failed", await portal.ActionsAsync(email));
    }

    private static Dictionary<string, string> NewUserForm() => new()
    {
        ["Input.Name"] = "Test Invitee",
        ["Input.Password"] = AuthFlowData.StrongPassword,
        ["Input.ConfirmPassword"] = AuthFlowData.StrongPassword,
    };

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string antiforgery, Dictionary<string, string> fields) =>
        client.PostAsync(url, new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", antiforgery))), Ct);

    private static string TokenOf(string link) => Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);

    private static async Task<string> InviteAsync(PortalFactory portal, long accountId, string email, Permissions permissions)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<InvitationService>().InviteAsync(accountId, email, permissions, null, Ct);
        Assert.IsType<InvitationResult.Success>(result);
        return (await portal.LinkInLatestEmailAsync(email, "invitation"))!;
    }
}
