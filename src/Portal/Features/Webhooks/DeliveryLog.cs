using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Webhooks;

/// <summary>One subscription's deliveries, newest event first, keyset-paged by the event cursor (API and console).</summary>
public static class DeliveryLog
{
    public sealed record Row(long Id, long EventCursor, Guid EventId, string EventType, string? AccountExternalId, WebhookDeliveryStatus Status, int Attempts,
        DateTime NextAttemptAt, int? LastStatusCode, string? LastError, DateTime CreatedAt, DateTime? DeliveredAt);

    /// <summary>Up to <paramref name="take"/> + 1 rows: the extra one says there is an older page.</summary>
    public static Task<List<Row>> QueryAsync(PortalDb db, long subscriptionId, WebhookDeliveryStatus? status, long? before, int take, CancellationToken ct)
    {
        var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == subscriptionId);
        if (status is { } s)
        {
            query = query.Where(d => d.Status == s);
        }

        if (before is { } b)
        {
            query = query.Where(d => d.IntegrationEventId < b);
        }

        return query
            .OrderByDescending(d => d.IntegrationEventId)
            .Take(take + 1)
            .Select(d => new Row(d.Id, d.IntegrationEventId, d.Event!.EventId, d.Event.Type, d.Event.AccountExternalId, d.Status, d.Attempts,
                d.NextAttemptAt, d.LastStatusCode, d.LastError, d.CreatedAt, d.DeliveredAt))
            .ToListAsync(ct);
    }

    /// <summary>
    /// "Retry now": a failed or given-up delivery is due again at once (a given-up one gets one more
    /// attempt). A retrying delivery whose next attempt is less than a minute away is left alone: it may
    /// be claimed and on its way right now, and releasing the claim would send it twice.
    /// </summary>
    public static Task<int> RetryNowAsync(PortalDb db, long subscriptionId, long deliveryId, DateTime now, CancellationToken ct)
    {
        now = Infrastructure.WorkerTime.Floor(now);
        var soon = now.AddMinutes(1);
        return db.WebhookDeliveries
            .Where(d => d.Id == deliveryId && d.SubscriptionId == subscriptionId
                && ((d.Status == WebhookDeliveryStatus.Failed && d.NextAttemptAt > soon) || d.Status == WebhookDeliveryStatus.GaveUp))
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, WebhookDeliveryStatus.Failed).SetProperty(d => d.NextAttemptAt, now), ct);
    }
}
