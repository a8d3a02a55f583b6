using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Features.Accounts;

/// <summary>An authorised contact on file for an account. Read only in the portal.</summary>
public sealed class Contact
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public required string ExternalId { get; set; }

    public required string Name { get; set; }

    public string? Title { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    /// <summary>What the contact does for the account: billing, purchasing, primary, ...</summary>
    public string? Role { get; set; }

    public bool IsPrimary { get; set; }

    public bool IsActive { get; set; } = true;

    public DateTime UpdatedAt { get; set; }
}

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> b)
    {
        b.Property(c => c.ExternalId).HasMaxLength(100);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Title).HasMaxLength(100);
        b.Property(c => c.Email).HasMaxLength(256);
        b.Property(c => c.Phone).HasMaxLength(30);
        b.Property(c => c.Role).HasMaxLength(50);
        b.HasIndex(c => new { c.AccountId, c.ExternalId }).IsUnique();
        b.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
