using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;
using Portal.Features.Invoices;
using Portal.Infrastructure.Api;

namespace Portal.Features.Payments;

public enum PaymentMethodKind
{
    Card = 0,
    BankAccount = 1,
    Check = 2,
    Cash = 3,
    Wire = 4,
    Other = 5,
}

public enum PaymentStatus
{
    Pending = 0,
    Succeeded = 1,
    Failed = 2,
    Refunded = 3,
}

public enum PaymentSource
{
    /// <summary>Made by a customer in the portal, through the payment gateway.</summary>
    Portal = 0,

    /// <summary>Recorded in the billing system (a check, a wire) and pushed in through the API.</summary>
    BillingSystem = 1,
}

public sealed class Payment : IAccountDocument
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    /// <summary>The billing system's id, for payments it recorded; null for portal payments until it learns of them.</summary>
    public string? ExternalId { get; set; }

    /// <summary>The reference the customer sees on the receipt.</summary>
    public required string Number { get; set; }

    public DateTime ReceivedAt { get; set; }

    public PaymentMethodKind Method { get; set; }

    /// <summary>What identifies the method to a person, e.g. "Visa ending 4242" or "Check 10452". Never a full number.</summary>
    public string? MethodDetail { get; set; }

    public required string Currency { get; set; }

    public decimal Amount { get; set; }

    /// <summary>What is not yet allocated to invoices: moves only together with allocation rows.</summary>
    public decimal UnappliedAmount { get; set; }

    public PaymentStatus Status { get; set; }

    public PaymentSource Source { get; set; }

    /// <summary>One click, one charge: a repeated submission with the same key finds this payment.</summary>
    public string? IdempotencyKey { get; set; }

    public string? GatewayReference { get; set; }

    /// <summary>The gateway charge this portal payment came from; one charge may pay several accounts.</summary>
    public Guid? AttemptId { get; set; }

    public string? FailureReason { get; set; }

    public string? CreatedByUserId { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<PaymentAllocation> Allocations { get; set; } = [];
}

/// <summary>Part of a payment applied to one invoice.</summary>
public sealed class PaymentAllocation
{
    public long Id { get; set; }

    public long PaymentId { get; set; }

    public long InvoiceId { get; set; }

    public Invoice? Invoice { get; set; }

    public decimal Amount { get; set; }
}

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> b)
    {
        b.ToTable(t =>
        {
            t.HasCheckConstraint("CK_Payments_Amount", "\"Amount\" > 0");
            t.HasCheckConstraint("CK_Payments_Unapplied", "\"UnappliedAmount\" >= 0 AND \"UnappliedAmount\" <= \"Amount\"");
        });
        b.Property(p => p.ExternalId).HasMaxLength(100);
        b.Property(p => p.Number).HasMaxLength(50);
        b.Property(p => p.MethodDetail).HasMaxLength(100);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.IdempotencyKey).HasMaxLength(100);
        b.Property(p => p.GatewayReference).HasMaxLength(100);
        b.Property(p => p.FailureReason).HasMaxLength(500);
        b.Property(p => p.CreatedByUserId).HasMaxLength(450);
        b.HasIndex(p => p.ExternalId).IsUnique();
        b.HasIndex(p => p.Number).IsUnique();
        b.HasIndex(p => p.IdempotencyKey).IsUnique();
        // Status and Amount close it for the statement's sums over a range of dates (as the invoices' date index).
        b.HasIndex(p => new { p.AccountId, p.ReceivedAt, p.Id, p.Status, p.Amount });
        // The console's list (/admin/payments), newest first, whole or by state.
        b.HasIndex(p => new { p.ReceivedAt, p.Id });
        b.HasIndex(p => new { p.Status, p.ReceivedAt, p.Id });
        b.HasIndex(p => p.AttemptId).HasFilter("\"AttemptId\" IS NOT NULL");
        // Money received but not yet applied: small, and what the balance subtracts. Status in the key: the
        // sum counts succeeded payments only and reads the index alone.
        b.HasIndex(p => new { p.AccountId, p.UnappliedAmount, p.Status })
            .HasDatabaseName("IX_Payments_Unapplied")
            .HasFilter("\"UnappliedAmount\" > 0");
        b.HasOne<Account>().WithMany().HasForeignKey(p => p.AccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(p => p.Allocations).WithOne().HasForeignKey(a => a.PaymentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PaymentAllocationConfiguration : IEntityTypeConfiguration<PaymentAllocation>
{
    public void Configure(EntityTypeBuilder<PaymentAllocation> b)
    {
        b.ToTable(t => t.HasCheckConstraint("CK_PaymentAllocations_Amount", "\"Amount\" > 0"));
        b.HasIndex(a => new { a.PaymentId, a.InvoiceId }).IsUnique();
        b.HasIndex(a => a.InvoiceId);
        b.HasOne(a => a.Invoice).WithMany().HasForeignKey(a => a.InvoiceId).OnDelete(DeleteBehavior.Restrict);
    }
}
