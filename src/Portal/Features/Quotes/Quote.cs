using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;
using Portal.Features.Orders;

namespace Portal.Features.Quotes;

public enum QuoteStatus
{
    /// <summary>Asked for in the portal; the operator has not priced it yet.</summary>
    Requested = 0,
    Sent = 1,
    Accepted = 2,
    Declined = 3,
    Expired = 4,
}

public sealed class Quote : IPortalDocument
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public string? ExternalId { get; set; }

    public required string Number { get; set; }

    public QuoteStatus Status { get; set; }

    public DocumentSource Source { get; set; }

    public DateTime RequestedAt { get; set; }

    public DateOnly? IssuedOn { get; set; }

    public DateOnly? ValidUntil { get; set; }

    public required string Currency { get; set; }

    public decimal Total { get; set; }

    /// <summary>What the customer asked for, in their words (a portal request).</summary>
    public string? RequestText { get; set; }

    public string? RequestedByUserId { get; set; }

    public DateTime? AcceptedAt { get; set; }

    public string? AcceptedByUserId { get; set; }

    public DateTime? DeclinedAt { get; set; }

    public string? DeclinedByUserId { get; set; }

    /// <summary>Why the customer declined, in their words; sent to the billing system with quote.declined.</summary>
    public string? DeclineReason { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<QuoteLine> Lines { get; set; } = [];
}

public sealed class QuoteLine
{
    public long Id { get; set; }

    public long QuoteId { get; set; }

    public int LineNumber { get; set; }

    public string? ProductCode { get; set; }

    public required string Description { get; set; }

    public decimal Quantity { get; set; }

    public string? Unit { get; set; }

    public decimal UnitPrice { get; set; }

    public decimal Amount { get; set; }
}

internal sealed class QuoteConfiguration : IEntityTypeConfiguration<Quote>
{
    public void Configure(EntityTypeBuilder<Quote> b)
    {
        b.Property(q => q.ExternalId).HasMaxLength(100);
        b.Property(q => q.Number).HasMaxLength(50);
        b.Property(q => q.Currency).HasMaxLength(3);
        b.Property(q => q.RequestText).HasMaxLength(4000);
        b.Property(q => q.RequestedByUserId).HasMaxLength(450);
        b.Property(q => q.AcceptedByUserId).HasMaxLength(450);
        b.Property(q => q.DeclinedByUserId).HasMaxLength(450);
        b.Property(q => q.DeclineReason).HasMaxLength(1000);
        b.HasIndex(q => q.ExternalId).IsUnique();
        b.HasIndex(q => q.Number).IsUnique();
        b.HasIndex(q => new { q.AccountId, q.RequestedAt, q.Id });
        b.HasOne<Account>().WithMany().HasForeignKey(q => q.AccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(q => q.Lines).WithOne().HasForeignKey(l => l.QuoteId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class QuoteLineConfiguration : IEntityTypeConfiguration<QuoteLine>
{
    public void Configure(EntityTypeBuilder<QuoteLine> b)
    {
        b.Property(l => l.ProductCode).HasMaxLength(50);
        b.Property(l => l.Description).HasMaxLength(500);
        b.Property(l => l.Unit).HasMaxLength(20);
        b.HasIndex(l => new { l.QuoteId, l.LineNumber }).IsUnique();
    }
}
