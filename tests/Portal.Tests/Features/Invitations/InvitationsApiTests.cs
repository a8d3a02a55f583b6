using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Email;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Invitations;

public sealed class InvitationsApiTests(PortalFactory portal)
{
    [Fact]
    public async Task The_billing_system_invites_a_person_and_the_email_is_queued_with_the_expiry()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var email = $"api-invite-{Guid.NewGuid():N}@example.com";

        var response = await client.PostAsJsonAsync("/api/v1/accounts/ACC-20001/invitations", new { email, permissions = new[] { "pay", "seeMoney" } }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var expires = body.GetProperty("expiresAt").GetDateTime();
        Assert.InRange(expires, DateTime.UtcNow.AddHours(71), DateTime.UtcNow.AddHours(73));
        Assert.Contains("view", body.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        var queued = await portal.WithDbAsync(db => db.EmailMessages.CountAsync(m => m.To == email && m.Kind == "invitation" && m.Status == EmailStatus.Pending, TestContext.Current.CancellationToken));
        Assert.Equal(1, queued);
    }

    [Fact]
    public async Task Bad_permission_or_email_is_a_400_naming_the_field_and_nothing_is_queued()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var email = $"api-invite-bad-{Guid.NewGuid():N}@example.com";

        var badPermission = await client.PostAsJsonAsync("/api/v1/accounts/ACC-20001/invitations", new { email, permissions = new[] { "pay", "everything" } }, TestContext.Current.CancellationToken);
        var badEmail = await client.PostAsJsonAsync("/api/v1/accounts/ACC-20001/invitations", new { email = "not-an-email", permissions = new[] { "pay" } }, TestContext.Current.CancellationToken);
        var unknownAccount = await client.PostAsJsonAsync("/api/v1/accounts/NOPE/invitations", new { email, permissions = new[] { "pay" } }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, badPermission.StatusCode);
        Assert.Contains("permissions[1]", await IntegrationClient.ErrorFieldsAsync(badPermission));
        Assert.Equal(HttpStatusCode.BadRequest, badEmail.StatusCode);
        Assert.Contains("email", await IntegrationClient.ErrorFieldsAsync(badEmail));
        Assert.Equal(HttpStatusCode.NotFound, unknownAccount.StatusCode);
        Assert.Equal(0, await portal.WithDbAsync(db => db.EmailMessages.CountAsync(m => m.To == email, TestContext.Current.CancellationToken)));
    }
}
