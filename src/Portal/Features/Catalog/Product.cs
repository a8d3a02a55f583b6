using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;

namespace Portal.Features.Catalog;

/// <summary>A product or service the operator sells: the order pad's catalogue.</summary>
public sealed class Product
{
    public long Id { get; set; }

    public required string Code { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public string? Category { get; set; }

    public required string Unit { get; set; }

    public decimal ListPrice { get; set; }

    public required string Currency { get; set; }

    /// <summary>Offered on the order pad; inactive products stay for the history that names them.</summary>
    public bool Active { get; set; } = true;

    public DateTime UpdatedAt { get; set; }
}

/// <summary>The price one account pays for one product, where it differs from the list price.</summary>
public sealed class CustomerPrice
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public long ProductId { get; set; }

    public Product? Product { get; set; }

    public decimal UnitPrice { get; set; }

    public required string Currency { get; set; }

    public DateOnly? ValidFrom { get; set; }

    public DateOnly? ValidTo { get; set; }

    public DateTime UpdatedAt { get; set; }
}

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> b)
    {
        b.Property(p => p.Code).HasMaxLength(50);
        b.Property(p => p.Name).HasMaxLength(200);
        b.Property(p => p.Description).HasMaxLength(2000);
        b.Property(p => p.Category).HasMaxLength(100);
        b.Property(p => p.Unit).HasMaxLength(20);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.HasIndex(p => p.Code).IsUnique();
        b.HasIndex(p => new { p.Active, p.Category, p.Name });
        // The order pad's keyset page over every active product, in name order, without sorting the catalogue.
        b.HasIndex(p => new { p.Active, p.Name, p.Id });
    }
}

internal sealed class CustomerPriceConfiguration : IEntityTypeConfiguration<CustomerPrice>
{
    public void Configure(EntityTypeBuilder<CustomerPrice> b)
    {
        b.Property(p => p.Currency).HasMaxLength(3);
        b.HasIndex(p => new { p.AccountId, p.ProductId }).IsUnique();
        b.HasIndex(p => p.ProductId);
        b.HasOne<Account>().WithMany().HasForeignKey(p => p.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(p => p.Product).WithMany().HasForeignKey(p => p.ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}
