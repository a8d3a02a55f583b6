using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Features.Invoices;

/// <summary>A file the billing system attached to an invoice (its own PDF, a timesheet, a delivery note).</summary>
public sealed class InvoiceAttachment
{
    public long Id { get; set; }

    public long InvoiceId { get; set; }

    public required string FileName { get; set; }

    public required string ContentType { get; set; }

    public long Length { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Kept in its own table so that listing attachments never reads their bytes.</summary>
    public InvoiceAttachmentContent? Content { get; set; }
}

public sealed class InvoiceAttachmentContent
{
    public long AttachmentId { get; set; }

    public required byte[] Bytes { get; set; }
}

internal sealed class InvoiceAttachmentConfiguration : IEntityTypeConfiguration<InvoiceAttachment>
{
    public void Configure(EntityTypeBuilder<InvoiceAttachment> b)
    {
        b.Property(a => a.FileName).HasMaxLength(200);
        b.Property(a => a.ContentType).HasMaxLength(100);
        b.HasIndex(a => a.InvoiceId);
        b.HasOne<Invoice>().WithMany().HasForeignKey(a => a.InvoiceId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(a => a.Content).WithOne().HasForeignKey<InvoiceAttachmentContent>(c => c.AttachmentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InvoiceAttachmentContentConfiguration : IEntityTypeConfiguration<InvoiceAttachmentContent>
{
    public void Configure(EntityTypeBuilder<InvoiceAttachmentContent> b)
    {
        b.HasKey(c => c.AttachmentId);
        b.Property(c => c.AttachmentId).ValueGeneratedNever();
    }
}
