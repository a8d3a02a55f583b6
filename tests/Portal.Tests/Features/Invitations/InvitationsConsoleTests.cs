using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Invitations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Invitations;

public sealed class InvitationsConsoleTests(PortalFactory portal)
{
    [Fact]
    public async Task Staff_invite_an_email_by_account_number_and_the_invitation_is_mailed_recorded_and_listed()
    {
        var account = await portal.NewAccountAsync();
        var email = $"new-{AuthFlowData.Unique()}@test.example";
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        var response = await PortalFactory.PostFormAsync(staff, "/admin/invitations", new Dictionary<string, string>
        {
            ["Input.Account"] = account.Number,
            ["Input.Email"] = email,
            ["Input.Permissions"] = nameof(Permissions.Pay),
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var invitation = await portal.WithDbAsync(db => db.Invitations.AsNoTracking().SingleAsync(i => i.Email == email));
        Assert.Equal(account.Id, invitation.AccountId);
        Assert.Equal(Permissions.View | Permissions.Pay, invitation.Permissions);
        Assert.Equal(72, (invitation.ExpiresAt - invitation.CreatedAt).TotalHours, 3);
        Assert.Equal(32, invitation.TokenHash.Length);
        var link = await portal.LinkInLatestEmailAsync(email, "invitation");
        Assert.NotNull(link);
        Assert.StartsWith("/invitations/accept?token=", link, StringComparison.Ordinal);
        Assert.Contains("invitation.sent", await portal.ActionsAsync(email));
        var events = await portal.WithDbAsync(db => db.IntegrationEvents.CountAsync(e => e.Type == "user.invited" && e.AccountId == account.Id));
        Assert.Equal(1, events);
        var list = await (await staff.GetAsync($"/admin/invitations?account={account.Number}", TestContext.Current.CancellationToken)).HtmlAsync();
        Assert.Contains(email, list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_email_is_a_form_error_and_nothing_is_sent()
    {
        var account = await portal.NewAccountAsync();
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        var response = await PortalFactory.PostFormAsync(staff, "/admin/invitations", new Dictionary<string, string>
        {
            ["Input.Account"] = account.Number,
            ["Input.Email"] = "not-an-email",
            ["Input.Permissions"] = nameof(Permissions.View),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Enter a valid e-mail address.", await response.HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await portal.WithDbAsync(db => db.Invitations.CountAsync(i => i.AccountId == account.Id)));
    }

    [Fact]
    public async Task A_staff_email_cannot_be_invited_to_a_customer_account()
    {
        var account = await portal.NewAccountAsync();
        await using var scope = portal.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<InvitationService>();

        var result = await service.InviteAsync(account.Id, DemoData.StaffEmail, Permissions.View, null, TestContext.Current.CancellationToken);

        Assert.Equal("email", Assert.IsType<InvitationResult.Invalid>(result).Field);
    }

    [Fact]
    public async Task Resending_or_revoking_for_another_account_is_not_found_and_changes_nothing()
    {
        var account = await portal.NewAccountAsync();
        var other = await portal.NewAccountAsync();
        var email = $"scoped-{AuthFlowData.Unique()}@test.example";
        await using var scope = portal.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<InvitationService>();
        var sent = Assert.IsType<InvitationResult.Success>(await service.InviteAsync(account.Id, email, Permissions.View, null, TestContext.Current.CancellationToken));

        Assert.IsType<InvitationResult.NotFound>(await service.ResendAsync(sent.InvitationId, null, TestContext.Current.CancellationToken, other.Id));
        Assert.IsType<InvitationResult.NotFound>(await service.RevokeAsync(sent.InvitationId, null, TestContext.Current.CancellationToken, other.Id));
        Assert.Equal(1, await portal.EmailCountAsync(email, "invitation"));
        Assert.True(await portal.WithDbAsync(db => db.Invitations.AnyAsync(i => i.Id == sent.InvitationId && i.RevokedAt == null, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Inviting_to_an_unknown_account_is_not_found()
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<InvitationService>();

        var result = await service.InviteAsync(long.MaxValue, "someone@test.example", Permissions.View, null, TestContext.Current.CancellationToken);

        Assert.IsType<InvitationResult.NotFound>(result);
    }

    [Fact]
    public async Task Staff_see_the_users_of_an_account_with_their_permissions()
    {
        var account = await portal.NewAccountAsync();
        var email = $"listed-{AuthFlowData.Unique()}@test.example";
        await portal.NewUserAsync(email, account.Id, Permissions.View | Permissions.ManageUsers);
        var staff = await portal.LoginAsync(DemoData.StaffEmail);

        var html = await (await staff.GetAsync($"/admin/invitations/users?account={account.Number}", TestContext.Current.CancellationToken)).HtmlAsync();

        Assert.Contains(email, html, StringComparison.Ordinal);
        Assert.Contains("View, Manage users", html, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoData.CustomerEmail, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Customers_cannot_open_the_invitations_console()
    {
        var customer = await portal.LoginAsync(DemoData.CustomerEmail);

        var response = await customer.GetAsync("/admin/invitations", TestContext.Current.CancellationToken);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }
}
