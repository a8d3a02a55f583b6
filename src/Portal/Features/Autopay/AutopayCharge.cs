using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;
using Portal.Features.Invoices;
using Portal.Infrastructure.Workers;

namespace Portal.Features.Autopay;

public enum AutopayChargeState
{
    /// <summary>Due at <see cref="AutopayCharge.NextAttemptAt"/>; a worker claims it then.</summary>
    Scheduled = 0,

    /// <summary>Charged; the outcome is not known yet (the reconciler settles the attempt, the worker looks again).</summary>
    Waiting = 1,

    Succeeded = 2,

    /// <summary>A soft decline; the next try is scheduled.</summary>
    Retrying = 3,

    /// <summary>A hard decline, a card that needs its holder, or the last retry: autopay is paused.</summary>
    Stopped = 4,

    /// <summary>Nothing to charge when its time came (paid, reserved, autopay off).</summary>
    Skipped = 5,
}

/// <summary>
/// One autopay try of one invoice: the claimed row behind "exactly once". (InvoiceId, Try) is unique,
/// so two instances planning the same day make one row; the row is claimed through
/// <see cref="WorkLeases"/>; and the payment attempt it makes has an id and confirm key derived from
/// the invoice and the try, so a re-run finds that attempt instead of charging again.
/// </summary>
public sealed class AutopayCharge : ILeasedWork
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public long InvoiceId { get; set; }

    /// <summary>0 on the due date, then 1, 2, ... for the retries.</summary>
    public int Try { get; set; }

    public AutopayChargeState State { get; set; }

    /// <summary>When it is due and, while a worker holds it, its lease.</summary>
    public DateTime NextAttemptAt { get; set; }

    public Guid? AttemptId { get; set; }

    public string? Outcome { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>The confirm key of this try's payment attempt: the same on every instance and every re-run.</summary>
    public static string ConfirmKey(long invoiceId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"autopay:{invoiceId}:{attempt}");

    /// <summary>The attempt id (the gateway's idempotency key), derived from invoice and try, never random.</summary>
    public static Guid AttemptIdFor(long invoiceId, int attempt) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes(ConfirmKey(invoiceId, attempt)))[..16]);
}

/// <summary>The reminder sent before an invoice's due date: one row per invoice, so it goes out once.</summary>
public sealed class AutopayReminder
{
    public long InvoiceId { get; set; }

    public long AccountId { get; set; }

    public DateTime SentAt { get; set; }
}

internal sealed class AutopayChargeConfiguration : IEntityTypeConfiguration<AutopayCharge>
{
    public void Configure(EntityTypeBuilder<AutopayCharge> b)
    {
        b.Property(c => c.Outcome).HasMaxLength(300);
        // The claim: one row per invoice and try, whichever instance plans it.
        b.HasIndex(c => new { c.InvoiceId, c.Try }).IsUnique();
        // The worker's query: what is scheduled or waiting, by when it is due.
        b.HasIndex(c => new { c.State, c.NextAttemptAt });
        b.HasIndex(c => new { c.AccountId, c.Id });
        b.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Invoice>().WithMany().HasForeignKey(c => c.InvoiceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AutopayReminderConfiguration : IEntityTypeConfiguration<AutopayReminder>
{
    public void Configure(EntityTypeBuilder<AutopayReminder> b)
    {
        b.HasKey(r => r.InvoiceId);
        b.Property(r => r.InvoiceId).ValueGeneratedNever();
        b.HasIndex(r => r.AccountId);
        b.HasOne<Account>().WithMany().HasForeignKey(r => r.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Invoice>().WithOne().HasForeignKey<AutopayReminder>(r => r.InvoiceId).OnDelete(DeleteBehavior.Cascade);
    }
}
