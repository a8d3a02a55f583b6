using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data;

namespace Portal.Infrastructure.Events;

/// <summary>
/// Something a customer did that the billing system must hear about (payment made, order placed, user
/// registered, ...). Written in the same transaction as the action; delivered as webhooks and readable
/// by polling, in <see cref="Id"/> order, which is the order per account too.
/// </summary>
public sealed class IntegrationEvent
{
    /// <summary>Monotonic: the polling cursor and the delivery order.</summary>
    public long Id { get; set; }

    /// <summary>A stable id receivers use to discard a duplicate delivery.</summary>
    public Guid EventId { get; set; }

    /// <summary>Dotted name, e.g. <c>payment.succeeded</c>, <c>order.placed</c>, <c>user.invited</c>.</summary>
    public required string Type { get; set; }

    public long? AccountId { get; set; }

    /// <summary>The account's external id at the time, so receivers need not map ours.</summary>
    public string? AccountExternalId { get; set; }

    /// <summary>The event's data as a JSON object (camelCase).</summary>
    public required string Payload { get; set; }

    public DateTime OccurredAt { get; set; }
}

internal sealed class IntegrationEventConfiguration : IEntityTypeConfiguration<IntegrationEvent>
{
    public void Configure(EntityTypeBuilder<IntegrationEvent> b)
    {
        b.Property(e => e.Type).HasMaxLength(100);
        b.Property(e => e.AccountExternalId).HasMaxLength(100);
        b.HasIndex(e => e.EventId).IsUnique();
        b.HasIndex(e => new { e.AccountId, e.Id });
        b.HasIndex(e => new { e.Type, e.Id });
    }
}

/// <summary>Records integration events inside the caller's unit of work (nothing is saved here).</summary>
public sealed class IntegrationEvents(PortalDb db, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public IntegrationEvent Record(string type, long? accountId, string? accountExternalId, object payload)
    {
        var e = new IntegrationEvent
        {
            EventId = Guid.NewGuid(),
            Type = type,
            AccountId = accountId,
            AccountExternalId = accountExternalId,
            Payload = JsonSerializer.Serialize(payload, Json),
            OccurredAt = time.GetUtcNow().UtcDateTime,
        };
        db.Add(e);
        return e;
    }
}
