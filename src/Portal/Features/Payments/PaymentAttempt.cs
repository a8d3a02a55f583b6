using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;
using Portal.Features.Invoices;

namespace Portal.Features.Payments;

public enum AttemptState
{
    /// <summary>Written before the gateway is called; stays so while the outcome is unknown.</summary>
    Pending = 0,

    /// <summary>Accepted by the gateway, settles later (a bank debit).</summary>
    Processing = 1,

    /// <summary>The customer must confirm at the gateway (3-D Secure).</summary>
    RequiresAction = 2,

    Succeeded = 3,

    Failed = 4,
}

public enum AttemptOrigin
{
    Customer = 0,
    Autopay = 1,
}

/// <summary>
/// One charge at the gateway, and the money rules around it. Written and committed (Pending) before
/// the gateway is called; its <see cref="Id"/> is the gateway's idempotency key. <see cref="ConfirmKey"/>
/// (minted when the review page was drawn, or derived from invoice and try for autopay) is unique, so a
/// repeated confirm finds this row instead of charging again. While it is not terminal its parts hold
/// reservations on the invoices' open amounts. Moves between states only through
/// <see cref="PaymentOutcomes"/>, guarded by <see cref="Version"/>: a terminal state never changes.
/// </summary>
public sealed class PaymentAttempt
{
    public Guid Id { get; set; }

    public required string ConfirmKey { get; set; }

    /// <summary>What was confirmed (invoices, amounts, method): the same key with anything else is refused.</summary>
    public required string Fingerprint { get; set; }

    public AttemptOrigin Origin { get; set; }

    public string? UserId { get; set; }

    /// <summary>The account the attempt was made from (the first of several for a payment across accounts).</summary>
    public long AccountId { get; set; }

    public required string Currency { get; set; }

    public decimal Amount { get; set; }

    public long? MethodId { get; set; }

    public required string MethodToken { get; set; }

    public PaymentMethodKind MethodKind { get; set; }

    public required string MethodDetail { get; set; }

    public required string Gateway { get; set; }

    public AttemptState State { get; set; }

    public string? GatewayReference { get; set; }

    public string? DeclineCode { get; set; }

    public string? FailureReason { get; set; }

    /// <summary>Where the customer confirms a 3-D Secure step.</summary>
    public string? ActionUrl { get; set; }

    /// <summary>Unknown for more than a day: the console shows it; its reservations stay held.</summary>
    public bool NeedsReview { get; set; }

    /// <summary>The reconciler's lease and schedule: it asks the gateway about the attempt when this time has passed.</summary>
    public DateTime NextCheckAt { get; set; }

    public int Checks { get; set; }

    public string? LastCheckError { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? SettledAt { get; set; }

    public long Version { get; set; }

    public List<PaymentAttemptPart> Parts { get; set; } = [];

    public bool IsTerminal => State is AttemptState.Succeeded or AttemptState.Failed;
}

/// <summary>What the attempt will apply to one invoice; reserved on the invoice until the attempt ends.</summary>
public sealed class PaymentAttemptPart
{
    public long Id { get; set; }

    public Guid AttemptId { get; set; }

    public long AccountId { get; set; }

    public long InvoiceId { get; set; }

    /// <summary>The payment (one per account) the part becomes.</summary>
    public long PaymentId { get; set; }

    public decimal Amount { get; set; }
}

internal sealed class PaymentAttemptConfiguration : IEntityTypeConfiguration<PaymentAttempt>
{
    public void Configure(EntityTypeBuilder<PaymentAttempt> b)
    {
        b.ToTable(t => t.HasCheckConstraint("CK_PaymentAttempts_Amount", "\"Amount\" > 0"));
        b.Property(a => a.Id).ValueGeneratedNever();
        b.Property(a => a.ConfirmKey).HasMaxLength(100);
        b.Property(a => a.Fingerprint).HasMaxLength(100);
        b.Property(a => a.UserId).HasMaxLength(450);
        b.Property(a => a.Currency).HasMaxLength(3);
        b.Property(a => a.MethodToken).HasMaxLength(100);
        b.Property(a => a.MethodDetail).HasMaxLength(100);
        b.Property(a => a.Gateway).HasMaxLength(20);
        b.Property(a => a.GatewayReference).HasMaxLength(100);
        b.Property(a => a.DeclineCode).HasMaxLength(50);
        b.Property(a => a.FailureReason).HasMaxLength(500);
        b.Property(a => a.ActionUrl).HasMaxLength(1000);
        b.Property(a => a.LastCheckError).HasMaxLength(500);
        b.Property(a => a.Version).IsConcurrencyToken();
        // The claim: one attempt per confirm key (review page, or autopay's invoice and try).
        b.HasIndex(a => a.ConfirmKey).IsUnique();
        // The reconciler's query: what is not terminal, by when it is next due.
        b.HasIndex(a => new { a.State, a.NextCheckAt });
        // The console, newest first.
        b.HasIndex(a => new { a.CreatedAt, a.Id });
        b.HasIndex(a => new { a.AccountId, a.CreatedAt });
        b.HasOne<Account>().WithMany().HasForeignKey(a => a.AccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(a => a.Parts).WithOne().HasForeignKey(p => p.AttemptId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PaymentAttemptPartConfiguration : IEntityTypeConfiguration<PaymentAttemptPart>
{
    public void Configure(EntityTypeBuilder<PaymentAttemptPart> b)
    {
        b.ToTable(t => t.HasCheckConstraint("CK_PaymentAttemptParts_Amount", "\"Amount\" > 0"));
        b.HasIndex(p => new { p.AttemptId, p.InvoiceId }).IsUnique();
        b.HasIndex(p => p.InvoiceId);
        b.HasIndex(p => p.PaymentId);
        b.HasOne<Invoice>().WithMany().HasForeignKey(p => p.InvoiceId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Payment>().WithMany().HasForeignKey(p => p.PaymentId).OnDelete(DeleteBehavior.Restrict);
    }
}
