using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Webhooks;
using Portal.Infrastructure.Events;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Webhooks;

internal static class WebhookTestData
{
    /// <summary>Records events as a customer action would (one SaveChanges); returns their cursors.</summary>
    public static async Task<List<long>> RecordAsync(IServiceProvider services, params (string Type, string Account)[] events)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var recorder = scope.ServiceProvider.GetRequiredService<IntegrationEvents>();
        var accounts = await db.Accounts.AsNoTracking().Select(a => new { a.Id, a.ExternalId }).ToDictionaryAsync(a => a.ExternalId, a => a.Id);
        var recorded = new List<IntegrationEvent>();
        for (var i = 0; i < events.Length; i++)
        {
            var (type, account) = events[i];
            recorded.Add(recorder.Record(type, accounts[account], account, new { sequence = i, amount = 12.5m }));
        }

        await db.SaveChangesAsync();
        return recorded.Select(e => e.Id).ToList();
    }

    public static async Task SubscribeAsync(HttpClient api, string name, WebhookReceiver receiver, params string[] types)
    {
        var response = await api.PutAsJsonAsync($"/api/v1/webhooks/{name}", new { url = receiver.Url, eventTypes = types, secret = receiver.Secret, active = true }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public static Task<List<WebhookDelivery>> DeliveriesAsync(WorkerPortal portal, string subscription) =>
        portal.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Subscription!.Name == subscription)
            .OrderBy(d => d.IntegrationEventId)
            .ToListAsync());

    /// <summary>Runs the dispatcher until a pass finds nothing to do.</summary>
    public static async Task DrainAsync(IServiceProvider services)
    {
        var dispatcher = services.GetRequiredService<WebhookDispatcher>();
        for (var i = 0; i < 50 && await dispatcher.RunOnceAsync(TestContext.Current.CancellationToken) > 0; i++)
        {
        }
    }
}
