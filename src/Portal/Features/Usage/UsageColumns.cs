using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Identity;

namespace Portal.Features.Usage;

/// <summary>The optional columns of the usage list; the date and the quantity are always shown.</summary>
public static class UsageColumns
{
    public const string Product = "product";
    public const string Identifier = "identifier";
    public const string Description = "description";
    public const string Unit = "unit";
    public const string Invoice = "invoice";

    public static readonly string[] All = [Product, Identifier, Description, Unit, Invoice];

    /// <summary>The known columns among <paramref name="names"/>, in the list's order; unknown names are dropped.</summary>
    public static string[] Parse(IEnumerable<string?>? names)
    {
        var set = new HashSet<string>((names ?? []).Where(n => n is not null).Select(n => n!.Trim().ToLowerInvariant()), StringComparer.Ordinal);
        return All.Where(set.Contains).ToArray();
    }
}

/// <summary>
/// The usage columns one user chose to see, remembered in the database (not a cookie) so that the
/// choice follows the user to another browser and any instance serves it.
/// </summary>
public sealed class UsageColumnChoice
{
    public required string UserId { get; set; }

    /// <summary>The chosen optional columns, comma-separated (<see cref="UsageColumns"/>).</summary>
    public required string Columns { get; set; }

    public DateTime UpdatedAt { get; set; }
}

internal sealed class UsageColumnChoiceConfiguration : IEntityTypeConfiguration<UsageColumnChoice>
{
    public void Configure(EntityTypeBuilder<UsageColumnChoice> b)
    {
        b.HasKey(c => c.UserId);
        b.Property(c => c.UserId).HasMaxLength(450);
        b.Property(c => c.Columns).HasMaxLength(200);
        b.HasOne<PortalUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
