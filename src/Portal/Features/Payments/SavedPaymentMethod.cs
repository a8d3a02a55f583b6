using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;

namespace Portal.Features.Payments;

/// <summary>
/// A card or bank account an account saved at the gateway: the gateway's token and what a person
/// reads (brand, last four, expiry, holder). The number itself never reaches the portal.
/// </summary>
public sealed class SavedPaymentMethod
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public required string Gateway { get; set; }

    public required string Token { get; set; }

    public PaymentMethodKind Kind { get; set; }

    public required string Brand { get; set; }

    public required string Last4 { get; set; }

    public int? ExpiryMonth { get; set; }

    public int? ExpiryYear { get; set; }

    public string? Holder { get; set; }

    public bool IsDefault { get; set; }

    public string? CreatedByUserId { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>"Visa ending 4242": what receipts and lists show.</summary>
    public string Detail => $"{Brand} ending {Last4}";

    /// <summary>Expired at the end of its expiry month, in the operator's calendar.</summary>
    public bool IsExpired(DateOnly today) =>
        ExpiryYear is int y && ExpiryMonth is int m && (y < today.Year || (y == today.Year && m < today.Month));
}

internal sealed class SavedPaymentMethodConfiguration : IEntityTypeConfiguration<SavedPaymentMethod>
{
    public void Configure(EntityTypeBuilder<SavedPaymentMethod> b)
    {
        b.Property(m => m.Gateway).HasMaxLength(20);
        b.Property(m => m.Token).HasMaxLength(100);
        b.Property(m => m.Brand).HasMaxLength(30);
        b.Property(m => m.Last4).HasMaxLength(4);
        b.Property(m => m.Holder).HasMaxLength(100);
        b.Property(m => m.CreatedByUserId).HasMaxLength(450);
        b.HasIndex(m => new { m.Gateway, m.Token }).IsUnique();
        b.HasIndex(m => new { m.AccountId, m.Id });
        // At most one default per account, held by the database.
        b.HasIndex(m => m.AccountId).IsUnique().HasDatabaseName("IX_SavedPaymentMethods_Default").HasFilter("\"IsDefault\"");
        b.HasOne<Account>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
