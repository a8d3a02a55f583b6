using System.Net;
using System.Net.Http.Json;
using Portal.Features.Webhooks;
using Portal.Tests.Infrastructure;
using static Portal.Tests.Features.Webhooks.WebhookTestData;

namespace Portal.Tests.Features.Webhooks;

public sealed class DeliveriesApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_delivery_log_is_paged_newest_first_and_filtered_by_status()
    {
        await using var portal = WorkerPortal.Start();
        await using var receiver = await WebhookReceiver.StartAsync();
        var api = await portal.ApiClientAsync();
        await SubscribeAsync(api, "log", receiver, "*");
        receiver.Answer = r => r.EventType == "payment.failed" ? 500 : 200;
        var ids = await RecordAsync(portal.Services,
            ("order.placed", "ACC-10001"), ("order.placed", "ACC-20001"), ("payment.failed", "ACC-30001"), ("order.placed", "ACC-40001"), ("order.placed", "ACC-10002"));
        await DrainAsync(portal.Services);

        var first = await api.GetFromJsonAsync<WebhooksApi.DeliveriesPage>("/api/v1/webhooks/log/deliveries?limit=2", Ct);
        var second = await api.GetFromJsonAsync<WebhooksApi.DeliveriesPage>($"/api/v1/webhooks/log/deliveries?limit=2&before={first!.NextCursor}", Ct);
        var third = await api.GetFromJsonAsync<WebhooksApi.DeliveriesPage>($"/api/v1/webhooks/log/deliveries?limit=2&before={second!.NextCursor}", Ct);
        var failed = await api.GetFromJsonAsync<WebhooksApi.DeliveriesPage>("/api/v1/webhooks/log/deliveries?status=failed", Ct);

        Assert.Equal([ids[4], ids[3], ids[2], ids[1], ids[0]], first.Deliveries.Concat(second.Deliveries).Concat(third!.Deliveries).Select(d => d.EventCursor));
        Assert.Null(third.NextCursor);
        var f = Assert.Single(failed!.Deliveries);
        Assert.Equal("payment.failed", f.EventType);
        Assert.Equal("ACC-30001", f.AccountId);
        Assert.Equal("failed", f.Status);
        Assert.Equal(500, f.LastStatusCode);
        Assert.NotNull(f.NextAttemptAt);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/v1/webhooks/log/deliveries?status=lost", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/v1/webhooks/log/deliveries?limit=0", Ct)).StatusCode);
    }
}
