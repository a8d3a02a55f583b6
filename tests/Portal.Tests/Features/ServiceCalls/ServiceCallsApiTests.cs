using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.ServiceCalls;

public sealed class ServiceCallsApiTests(PortalFactory portal)
{
    [Fact]
    public async Task Status_updates_and_comments_are_idempotent()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var number = IntegrationClient.Unique("SC");
        var open = await client.PutAsJsonAsync($"/api/v1/service-calls/{number}", new { account = "ACC-10001", subject = "Boom lift will not start", description = "Unit LIFT-45 #3 shows error E12", priority = "high" }, TestContext.Current.CancellationToken);
        var scheduled = await client.PutAsJsonAsync($"/api/v1/service-calls/{number}", new { account = "ACC-10001", status = "scheduled", scheduledFor = "2026-11-24T13:00:00Z" }, TestContext.Current.CancellationToken);
        var comment = new { externalId = IntegrationClient.Unique("CM"), author = "Ray (technician)", body = "Parts ordered, visit Monday." };

        var first = await client.PostAsJsonAsync($"/api/v1/service-calls/{number}/comments", comment, TestContext.Current.CancellationToken);
        var again = await client.PostAsJsonAsync($"/api/v1/service-calls/{number}/comments", comment, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scheduled.StatusCode);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var (status, comments) = await portal.WithDbAsync(async db =>
        {
            var call = await db.ServiceCalls.AsNoTracking().SingleAsync(s => s.Number == number, TestContext.Current.CancellationToken);
            var request = await db.CustomerRequests.AsNoTracking().SingleAsync(r => r.Kind == Portal.Features.Requests.RequestKind.ServiceCall && r.SubjectId == call.Id, TestContext.Current.CancellationToken);
            Assert.Equal("scheduled", request.Status);
            return (call.Status, await db.RequestMessages.Where(m => m.RequestId == request.Id).Select(m => m.SystemEvent ?? "comment").ToListAsync(TestContext.Current.CancellationToken));
        });
        Assert.Equal(Portal.Features.ServiceCalls.ServiceCallStatus.Scheduled, status);
        // One comment however often it is sent, and the move to scheduled as a line of the thread.
        Assert.Equal(["comment", Portal.Features.Requests.RequestMessageEvents.StatusChanged], comments.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_comment_on_an_unknown_call_is_404()
    {
        var client = await IntegrationClient.CreateAsync(portal);

        var response = await client.PostAsJsonAsync("/api/v1/service-calls/NO-SUCH-CALL/comments", new { externalId = "c1", author = "x", body = "y" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
