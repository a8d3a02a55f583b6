using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;

namespace Portal.Features.Usage;

/// <summary>
/// One metered event the billing system reported: what was used, by which identifier (a meter, a
/// phone line, a machine), when and how much. Ten million of these is a normal operator, so the table
/// is insert-only, narrow, and read only through (AccountId, OccurredAt).
/// </summary>
public sealed class UsageRecord
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    /// <summary>The billing system's id: re-sending a record is recognised and changes nothing.</summary>
    public required string ExternalId { get; set; }

    public required string ProductCode { get; set; }

    /// <summary>What was metered: a meter number, a phone line, a licence seat, a machine id.</summary>
    public string? Identifier { get; set; }

    public string? Description { get; set; }

    public DateTime OccurredAt { get; set; }

    public decimal Quantity { get; set; }

    public required string Unit { get; set; }

    /// <summary>The invoice that billed it, once billed.</summary>
    public long? InvoiceId { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal sealed class UsageRecordConfiguration : IEntityTypeConfiguration<UsageRecord>
{
    public void Configure(EntityTypeBuilder<UsageRecord> b)
    {
        b.Property(u => u.ExternalId).HasMaxLength(100);
        b.Property(u => u.ProductCode).HasMaxLength(50);
        b.Property(u => u.Identifier).HasMaxLength(100);
        b.Property(u => u.Description).HasMaxLength(300);
        b.Property(u => u.Unit).HasMaxLength(20);
        b.HasIndex(u => u.ExternalId).IsUnique();
        // A billing period of one account, in time order: the usage page, totals and the export.
        b.HasIndex(u => new { u.AccountId, u.OccurredAt, u.Id });
        b.HasOne<Account>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Invoices.Invoice>().WithMany().HasForeignKey(u => u.InvoiceId).OnDelete(DeleteBehavior.SetNull);
    }
}
