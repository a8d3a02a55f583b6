using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Infrastructure.Security;

/// <summary>
/// The shared count of one rate-limit partition (a form and a client address, or the login form and a
/// login): how many attempts since <see cref="StartedAt"/>. One row per partition, reused when its window
/// has run out; every instance counts in the same row (<see cref="SharedRateLimitCounter"/>).
/// </summary>
public sealed class RateLimitWindow
{
    /// <summary>The partition, e.g. <c>/login|203.0.113.9</c> or <c>/login|tel:5550104477</c>.</summary>
    public required string Key { get; set; }

    /// <summary>Start of the current window in Unix milliseconds (a number: compared and purged alike on both databases).</summary>
    public long StartedAt { get; set; }

    public int Count { get; set; }
}

internal sealed class RateLimitWindowConfiguration : IEntityTypeConfiguration<RateLimitWindow>
{
    public const string Table = "RateLimitWindows";

    public void Configure(EntityTypeBuilder<RateLimitWindow> b)
    {
        b.ToTable(Table);
        b.HasKey(w => w.Key);
        // A form's name, a separator and a login cut to 256 characters (RateLimits), or an IPv6 address.
        b.Property(w => w.Key).HasMaxLength(300);
        // The purge deletes windows that ran out; without this index it would read the whole table.
        b.HasIndex(w => w.StartedAt);
    }
}
