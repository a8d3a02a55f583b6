using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;

namespace Portal.Features.Licenses;

public enum MaintenanceStatus
{
    Active = 0,
    Expiring = 1,
    Lapsed = 2,
    None = 3,
}

/// <summary>A software licence the customer holds: the license inventory page.</summary>
public sealed class License
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public required string ExternalId { get; set; }

    public required string ProductCode { get; set; }

    public required string ProductName { get; set; }

    public required string LicenseCode { get; set; }

    public int Seats { get; set; }

    public string? Version { get; set; }

    public DateOnly IssuedOn { get; set; }

    public DateOnly? ExpiresOn { get; set; }

    public MaintenanceStatus Maintenance { get; set; }

    public DateOnly? MaintenanceEndsOn { get; set; }

    public DateTime UpdatedAt { get; set; }
}

internal sealed class LicenseConfiguration : IEntityTypeConfiguration<License>
{
    public void Configure(EntityTypeBuilder<License> b)
    {
        b.ToTable(t => t.HasCheckConstraint("CK_Licenses_Seats", "\"Seats\" >= 0"));
        b.Property(l => l.ExternalId).HasMaxLength(100);
        b.Property(l => l.ProductCode).HasMaxLength(50);
        b.Property(l => l.ProductName).HasMaxLength(200);
        b.Property(l => l.LicenseCode).HasMaxLength(200);
        b.Property(l => l.Version).HasMaxLength(50);
        b.HasIndex(l => l.ExternalId).IsUnique();
        b.HasIndex(l => new { l.AccountId, l.ProductName, l.Id });
        // /licenses by expiry and its expiring-within filters.
        b.HasIndex(l => new { l.AccountId, l.ExpiresOn, l.Id });
        b.HasOne<Account>().WithMany().HasForeignKey(l => l.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}
