using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Features.Identity;

/// <summary>A person who signs in: a customer's user, or (with <see cref="IsStaff"/>) the operator's staff.</summary>
public sealed class PortalUser : IdentityUser
{
    public string? DisplayName { get; set; }

    /// <summary>Operator staff use the admin console; they are members of no customer account.</summary>
    public bool IsStaff { get; set; }

    /// <summary>The culture the user chose (en, es, fr); null follows the browser.</summary>
    public string? PreferredCulture { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? LastLoginAt { get; set; }
}

internal sealed class PortalUserConfiguration : IEntityTypeConfiguration<PortalUser>
{
    public void Configure(EntityTypeBuilder<PortalUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(200);
        b.Property(u => u.PreferredCulture).HasMaxLength(10);
    }
}
