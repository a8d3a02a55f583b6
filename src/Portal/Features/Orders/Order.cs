using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;
using Portal.Infrastructure.Api;

namespace Portal.Features.Orders;

public enum OrderStatus
{
    /// <summary>Placed in the portal; the back office has not confirmed it yet.</summary>
    Submitted = 0,
    Confirmed = 1,
    PartlyShipped = 2,
    Shipped = 3,
    Delivered = 4,
    Cancelled = 5,
}

public enum DocumentSource
{
    Portal = 0,
    BillingSystem = 1,
}

/// <summary>A sales order, placed in the portal (order pad) or entered in the back office.</summary>
public sealed class Order : IPortalDocument
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    /// <summary>The billing system's id; null for a portal order until the back office acknowledges it.</summary>
    public string? ExternalId { get; set; }

    public required string Number { get; set; }

    public DateTime OrderedAt { get; set; }

    public OrderStatus Status { get; set; }

    public DocumentSource Source { get; set; }

    public required string Currency { get; set; }

    public decimal Total { get; set; }

    public string? PurchaseOrder { get; set; }

    public string? Notes { get; set; }

    public string? PlacedByUserId { get; set; }

    public DateOnly? RequestedDate { get; set; }

    /// <summary>Where a portal order goes: the account's address when it was submitted.</summary>
    public string? DeliveryAddress { get; set; }

    /// <summary>The order pad's idempotency key (portal orders): unique, so one pad makes one order.</summary>
    public Guid? SubmissionKey { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<OrderLine> Lines { get; set; } = [];
}

public sealed class OrderLine
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    public int LineNumber { get; set; }

    public required string ProductCode { get; set; }

    public required string Description { get; set; }

    public decimal Quantity { get; set; }

    public string? Unit { get; set; }

    public decimal UnitPrice { get; set; }

    public decimal Amount { get; set; }

    public decimal QuantityShipped { get; set; }
}

/// <summary>A shipment or delivery of (part of) an order.</summary>
public sealed class Delivery : IAccountDocument
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public required string ExternalId { get; set; }

    public required string Number { get; set; }

    public long? OrderId { get; set; }

    public string? Status { get; set; }

    public DateTime? ShippedAt { get; set; }

    public DateTime? DeliveredAt { get; set; }

    public string? Carrier { get; set; }

    public string? TrackingNumber { get; set; }

    public string? DeliveryAddress { get; set; }

    public DateTime UpdatedAt { get; set; }
}

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> b)
    {
        b.Property(o => o.ExternalId).HasMaxLength(100);
        b.Property(o => o.Number).HasMaxLength(50);
        b.Property(o => o.Currency).HasMaxLength(3);
        b.Property(o => o.PurchaseOrder).HasMaxLength(100);
        b.Property(o => o.Notes).HasMaxLength(2000);
        b.Property(o => o.PlacedByUserId).HasMaxLength(450);
        b.Property(o => o.DeliveryAddress).HasMaxLength(500);
        b.HasIndex(o => o.ExternalId).IsUnique();
        b.HasIndex(o => o.SubmissionKey).IsUnique();
        // The history filtered by status, newest first.
        b.HasIndex(o => new { o.AccountId, o.Status, o.OrderedAt, o.Id });
        b.HasIndex(o => o.Number).IsUnique();
        b.HasIndex(o => new { o.AccountId, o.OrderedAt, o.Id });
        b.HasOne<Account>().WithMany().HasForeignKey(o => o.AccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrderLineConfiguration : IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<OrderLine> b)
    {
        b.Property(l => l.ProductCode).HasMaxLength(50);
        b.Property(l => l.Description).HasMaxLength(500);
        b.Property(l => l.Unit).HasMaxLength(20);
        b.HasIndex(l => new { l.OrderId, l.LineNumber }).IsUnique();
    }
}

internal sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> b)
    {
        b.Property(d => d.ExternalId).HasMaxLength(100);
        b.Property(d => d.Number).HasMaxLength(50);
        b.Property(d => d.Status).HasMaxLength(50);
        b.Property(d => d.Carrier).HasMaxLength(100);
        b.Property(d => d.TrackingNumber).HasMaxLength(100);
        b.Property(d => d.DeliveryAddress).HasMaxLength(500);
        b.HasIndex(d => d.ExternalId).IsUnique();
        b.HasIndex(d => new { d.AccountId, d.ShippedAt, d.Id });
        b.HasIndex(d => d.OrderId);
        b.HasOne<Account>().WithMany().HasForeignKey(d => d.AccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Order>().WithMany().HasForeignKey(d => d.OrderId).OnDelete(DeleteBehavior.SetNull);
    }
}
