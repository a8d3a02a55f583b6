using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Identity;

namespace Portal.Features.Accounts;

/// <summary>What a portal user may do on one account. A membership on a parent covers its children.</summary>
[Flags]
public enum Permissions
{
    None = 0,
    View = 1,
    Pay = 2,
    Order = 4,
    Quote = 8,
    ServiceCalls = 16,
    ManageUsers = 32,

    /// <summary>Without it the user sees documents and usage but no amounts (balances, totals, payments).</summary>
    SeeMoney = 64,

    All = View | Pay | Order | Quote | ServiceCalls | ManageUsers | SeeMoney,
}

public sealed class Membership
{
    public long Id { get; set; }

    public required string UserId { get; set; }

    public PortalUser? User { get; set; }

    public long AccountId { get; set; }

    public Account? Account { get; set; }

    public Permissions Permissions { get; set; } = Permissions.View | Permissions.SeeMoney;

    public DateTime CreatedAt { get; set; }
}

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> b)
    {
        b.Property(m => m.UserId).HasMaxLength(450);
        // One row per user and account; the account scope guard looks memberships up by user.
        b.HasIndex(m => new { m.UserId, m.AccountId }).IsUnique();
        b.HasIndex(m => m.AccountId);
        b.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(m => m.Account).WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
