using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Features.Invoices;

public sealed class InvoiceLine
{
    public long Id { get; set; }

    public long InvoiceId { get; set; }

    public int LineNumber { get; set; }

    public string? ProductCode { get; set; }

    public required string Description { get; set; }

    public decimal Quantity { get; set; }

    public string? Unit { get; set; }

    public decimal UnitPrice { get; set; }

    /// <summary>Quantity times unit price, rounded to the currency's minor unit, before tax.</summary>
    public decimal Amount { get; set; }

    public decimal TaxAmount { get; set; }
}

internal sealed class InvoiceLineConfiguration : IEntityTypeConfiguration<InvoiceLine>
{
    public void Configure(EntityTypeBuilder<InvoiceLine> b)
    {
        b.Property(l => l.ProductCode).HasMaxLength(50);
        b.Property(l => l.Description).HasMaxLength(500);
        b.Property(l => l.Unit).HasMaxLength(20);
        b.HasIndex(l => new { l.InvoiceId, l.LineNumber }).IsUnique();
    }
}
