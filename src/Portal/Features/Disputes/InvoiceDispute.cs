using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;
using Portal.Features.Invoices;

namespace Portal.Features.Disputes;

public enum DisputeStatus
{
    Open = 0,
    Resolved = 1,
}

public enum DisputeResolution
{
    None = 0,
    Credited = 1,
    Explained = 2,
    Rejected = 3,
}

/// <summary>
/// A customer's objection to (part of) an invoice. While it is open the invoice shows "disputed" and
/// autopay leaves it alone; staff or the billing system resolve it (credited, explained, rejected).
/// </summary>
public sealed class InvoiceDispute
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public long InvoiceId { get; set; }

    public required string Number { get; set; }

    /// <summary>One of the operator's reasons, as it read when the dispute was opened.</summary>
    public required string Reason { get; set; }

    public required string Details { get; set; }

    public required string Currency { get; set; }

    /// <summary>The amount the customer questions, in the invoice's currency (never above its total).</summary>
    public decimal Amount { get; set; }

    /// <summary>The invoice's line numbers the dispute is about; empty means the invoice as a whole.</summary>
    public string LineNumbers { get; set; } = "";

    public DisputeStatus Status { get; set; }

    public DisputeResolution Resolution { get; set; }

    public string? ResolutionNote { get; set; }

    public string? OpenedByUserId { get; set; }

    public DateTime OpenedAt { get; set; }

    public DateTime? ResolvedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public IEnumerable<int> Lines() => LineNumbers.Split(',', StringSplitOptions.RemoveEmptyEntries)
        .Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture));
}

internal sealed class InvoiceDisputeConfiguration : IEntityTypeConfiguration<InvoiceDispute>
{
    public void Configure(EntityTypeBuilder<InvoiceDispute> b)
    {
        b.Property(d => d.Number).HasMaxLength(50);
        b.Property(d => d.Reason).HasMaxLength(200);
        b.Property(d => d.Details).HasMaxLength(4000);
        b.Property(d => d.Currency).HasMaxLength(3);
        b.Property(d => d.LineNumbers).HasMaxLength(1000);
        b.Property(d => d.ResolutionNote).HasMaxLength(2000);
        b.Property(d => d.OpenedByUserId).HasMaxLength(450);
        b.HasIndex(d => d.Number).IsUnique();
        // At most one open dispute per invoice (two at once lose to the index), and autopay's
        // "has an open dispute" probe is one index seek.
        b.HasIndex(d => d.InvoiceId).IsUnique().HasFilter("\"Status\" = 0").HasDatabaseName("IX_InvoiceDisputes_InvoiceId_Open");
        b.HasIndex(d => new { d.InvoiceId, d.OpenedAt });
        b.HasIndex(d => new { d.AccountId, d.OpenedAt, d.Id });
        b.HasOne<Account>().WithMany().HasForeignKey(d => d.AccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Invoice>().WithMany().HasForeignKey(d => d.InvoiceId).OnDelete(DeleteBehavior.Restrict);
    }
}
