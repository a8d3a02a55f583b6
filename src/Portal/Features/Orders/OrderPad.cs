using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;
using Portal.Features.Catalog;

namespace Portal.Features.Orders;

/// <summary>
/// One user's order pad on one account: the cart, kept in the database so that it survives a reload,
/// a second browser and another instance. <see cref="Key"/> is the pad's idempotency key: the order it
/// becomes carries it in a unique column, so a double click or a replayed form makes one order.
/// </summary>
public sealed class OrderPad
{
    public long Id { get; set; }

    public required string UserId { get; set; }

    public long AccountId { get; set; }

    public Guid Key { get; set; }

    public string? PurchaseOrder { get; set; }

    public DateOnly? RequestedDate { get; set; }

    public string? Notes { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<OrderPadLine> Lines { get; set; } = [];
}

/// <summary>A product and quantity on the pad; the price is never stored here, it is read when shown or submitted.</summary>
public sealed class OrderPadLine
{
    public long Id { get; set; }

    public long OrderPadId { get; set; }

    public long ProductId { get; set; }

    public decimal Quantity { get; set; }

    public DateTime AddedAt { get; set; }
}

internal sealed class OrderPadConfiguration : IEntityTypeConfiguration<OrderPad>
{
    public void Configure(EntityTypeBuilder<OrderPad> b)
    {
        b.Property(p => p.UserId).HasMaxLength(450);
        b.Property(p => p.PurchaseOrder).HasMaxLength(100);
        b.Property(p => p.Notes).HasMaxLength(2000);
        b.HasIndex(p => new { p.UserId, p.AccountId }).IsUnique();
        b.HasIndex(p => p.AccountId);
        b.HasOne<Account>().WithMany().HasForeignKey(p => p.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.Lines).WithOne().HasForeignKey(l => l.OrderPadId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrderPadLineConfiguration : IEntityTypeConfiguration<OrderPadLine>
{
    public void Configure(EntityTypeBuilder<OrderPadLine> b)
    {
        b.HasIndex(l => new { l.OrderPadId, l.ProductId }).IsUnique();
        b.HasIndex(l => l.ProductId);
        b.HasOne<Product>().WithMany().HasForeignKey(l => l.ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}
