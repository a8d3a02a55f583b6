using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Infrastructure.Events;

namespace Portal.Features.Webhooks;

public enum WebhookDeliveryStatus
{
    /// <summary>Not attempted yet.</summary>
    Pending = 0,

    Succeeded = 1,

    /// <summary>The last attempt failed; another is scheduled at <see cref="WebhookDelivery.NextAttemptAt"/>.</summary>
    Failed = 2,

    /// <summary>Still failing after the retry window (a day); only a manual retry sends it again.</summary>
    GaveUp = 3,
}

/// <summary>
/// One integration event on its way to one subscription. While it is Pending or Failed, later events of
/// the same account wait behind it (order per account). <see cref="NextAttemptAt"/> doubles as the
/// lease: the dispatcher claims a delivery by moving it forward with a conditional update, so two
/// instances never send the same delivery at once, and a crashed sender's claim simply runs out.
/// </summary>
public sealed class WebhookDelivery : Infrastructure.Workers.ILeasedWork
{
    public long Id { get; set; }

    public long SubscriptionId { get; set; }

    public WebhookSubscription? Subscription { get; set; }

    /// <summary>The integration event's <see cref="IntegrationEvent.Id"/> (its cursor), which orders deliveries.</summary>
    public long IntegrationEventId { get; set; }

    public IntegrationEvent? Event { get; set; }

    /// <summary>Copied from the event: the ordering group.</summary>
    public long? AccountId { get; set; }

    public WebhookDeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTime NextAttemptAt { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? DeliveredAt { get; set; }

    public const int LastErrorLength = 500;

    public static bool IsOpen(WebhookDeliveryStatus status) => status is WebhookDeliveryStatus.Pending or WebhookDeliveryStatus.Failed;
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.Property(d => d.LastError).HasMaxLength(WebhookDelivery.LastErrorLength);
        b.HasOne(d => d.Subscription).WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(d => d.Event).WithMany().HasForeignKey(d => d.IntegrationEventId).OnDelete(DeleteBehavior.Restrict);
        // One delivery per event and subscription, whatever happens to the fan-out.
        b.HasIndex(d => new { d.SubscriptionId, d.IntegrationEventId }).IsUnique();
        // Head-of-line check: an older open delivery of the same account to the same subscription (a
        // seek per open status, however many delivered ones the account has). Named: the default is longer
        // than PostgreSQL's 63 characters.
        b.HasIndex(d => new { d.SubscriptionId, d.AccountId, d.Status, d.IntegrationEventId }).HasDatabaseName("IX_WebhookDeliveries_HeadOfLine");
        // The dispatcher's query: what is due.
        b.HasIndex(d => new { d.Status, d.NextAttemptAt });
        // The console's and the API's log, newest event first, per subscription (the unique index above)
        // and per subscription and status.
        b.HasIndex(d => new { d.SubscriptionId, d.Status, d.IntegrationEventId });
    }
}
