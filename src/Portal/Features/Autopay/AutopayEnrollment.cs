using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;

namespace Portal.Features.Autopay;

public enum AutopayState
{
    Off = 0,
    On = 1,

    /// <summary>Stopped by the portal (a hard decline, the last retry, the method removed); the customer turns it on again.</summary>
    Paused = 2,
}

/// <summary>An account's autopay switch. No row is the same as <see cref="AutopayState.Off"/>.</summary>
public sealed class AutopayEnrollment
{
    public long AccountId { get; set; }

    public AutopayState State { get; set; }

    /// <summary>The operator's calendar day autopay was last turned on: invoices due from this day on are charged.</summary>
    public DateOnly Since { get; set; }

    /// <summary>Why the portal paused it, as the customer reads it.</summary>
    public string? PausedReason { get; set; }

    public string? UpdatedByUserId { get; set; }

    public DateTime UpdatedAt { get; set; }

    public long Version { get; set; }
}

internal sealed class AutopayEnrollmentConfiguration : IEntityTypeConfiguration<AutopayEnrollment>
{
    public void Configure(EntityTypeBuilder<AutopayEnrollment> b)
    {
        b.HasKey(e => e.AccountId);
        b.Property(e => e.AccountId).ValueGeneratedNever();
        b.Property(e => e.PausedReason).HasMaxLength(300);
        b.Property(e => e.UpdatedByUserId).HasMaxLength(450);
        b.Property(e => e.Version).IsConcurrencyToken();
        // The scheduler's query: the accounts with autopay on.
        b.HasIndex(e => new { e.State, e.AccountId });
        b.HasOne<Account>().WithOne().HasForeignKey<AutopayEnrollment>(e => e.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
