using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Infrastructure.Payments.Stripe;

/// <summary>
/// The Stripe customer of one portal account, created the first time the account needs one (adding a
/// method). Remembered so that every instance uses the same customer, and so that a charge whose answer
/// was lost can be found again among that customer's payment intents.
/// </summary>
public sealed class StripeCustomer
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    /// <summary>Stripe's id, <c>cus_...</c>.</summary>
    public required string CustomerId { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal sealed class StripeCustomerConfiguration : IEntityTypeConfiguration<StripeCustomer>
{
    public void Configure(EntityTypeBuilder<StripeCustomer> b)
    {
        b.Property(c => c.CustomerId).HasMaxLength(100);
        b.HasIndex(c => c.AccountId).IsUnique();
        b.HasIndex(c => c.CustomerId).IsUnique();
        b.HasOne<Features.Accounts.Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
