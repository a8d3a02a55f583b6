using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Features.Accounts;

public enum AccountType
{
    Credit = 0,
    Cash = 1,
}

/// <summary>A customer account as the billing system knows it; the portal keeps a copy.</summary>
public sealed class Account
{
    public long Id { get; set; }

    /// <summary>The billing system's own id for the account; upserts are keyed by it.</summary>
    public required string ExternalId { get; set; }

    /// <summary>The account number customers see on their documents.</summary>
    public required string Number { get; set; }

    public required string Name { get; set; }

    public string? Email { get; set; }

    /// <summary>Digits only, so that registration by phone number compares exactly.</summary>
    public string? Phone { get; set; }

    public string? PostalCode { get; set; }

    public string? AddressLine1 { get; set; }

    public string? AddressLine2 { get; set; }

    public string? City { get; set; }

    public string? Region { get; set; }

    public string? Country { get; set; }

    public required string Currency { get; set; }

    /// <summary>Day of the month (1-28) on which the account's billing period starts.</summary>
    public int BillDay { get; set; } = 1;

    public AccountType Type { get; set; }

    /// <summary>The operator's branch the account belongs to, where the operator splits by branch.</summary>
    public string? Branch { get; set; }

    public long? ParentAccountId { get; set; }

    public Account? ParentAccount { get; set; }

    /// <summary>A child whose invoices are sent to, and paid by, its parent.</summary>
    public bool BilledToParent { get; set; }

    public bool PortalEnabled { get; set; } = true;

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> b)
    {
        b.Property(a => a.ExternalId).HasMaxLength(100);
        b.Property(a => a.Number).HasMaxLength(50);
        b.Property(a => a.Name).HasMaxLength(200);
        b.Property(a => a.Email).HasMaxLength(256);
        b.Property(a => a.Phone).HasMaxLength(20);
        b.Property(a => a.PostalCode).HasMaxLength(20);
        b.Property(a => a.AddressLine1).HasMaxLength(200);
        b.Property(a => a.AddressLine2).HasMaxLength(200);
        b.Property(a => a.City).HasMaxLength(100);
        b.Property(a => a.Region).HasMaxLength(100);
        b.Property(a => a.Country).HasMaxLength(2);
        b.Property(a => a.Currency).HasMaxLength(3);
        b.Property(a => a.Branch).HasMaxLength(50);
        b.HasIndex(a => a.ExternalId).IsUnique();
        b.HasIndex(a => a.Number).IsUnique();
        b.HasIndex(a => a.Phone);
        b.HasIndex(a => a.Name);
        b.HasIndex(a => a.ParentAccountId);
        b.HasOne(a => a.ParentAccount).WithMany().HasForeignKey(a => a.ParentAccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
