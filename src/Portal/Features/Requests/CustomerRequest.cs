using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;

namespace Portal.Features.Requests;

/// <summary>What a customer asked the operator for; each kind keeps its own row and points at it from here.</summary>
public enum RequestKind
{
    ServiceCall = 0,
    Dispute = 1,
    QuoteRequest = 2,
    CallOff = 3,
    Order = 4,
}

/// <summary>Who wrote a message of a request's thread.</summary>
public enum MessageSide
{
    Customer = 0,
    Staff = 1,
    BillingSystem = 2,
}

/// <summary>
/// One entry of the requests hub (docs/decisions/0015): every kind of customer request, with the
/// status the kind gives it, so that the customer's /requests and the console's inbox read one table.
/// </summary>
public sealed class CustomerRequest
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public RequestKind Kind { get; set; }

    /// <summary>The kind's own number (service call, dispute, quote, call-off or order number).</summary>
    public required string Number { get; set; }

    /// <summary>The kind's status name in lower case (e.g. "open", "scheduled", "resolved").</summary>
    public required string Status { get; set; }

    /// <summary>False once the request needs nothing more from anyone (closed, resolved, cancelled).</summary>
    public bool IsOpen { get; set; } = true;

    public required string Subject { get; set; }

    /// <summary>The id of the kind's own row (ServiceCalls.Id, InvoiceDisputes.Id, ...).</summary>
    public long SubjectId { get; set; }

    public string? OpenedByUserId { get; set; }

    public string? AssignedStaffUserId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime LastActivityAt { get; set; }
}

/// <summary>One message of a request's thread, from the customer, the operator's staff or the billing system.</summary>
public sealed class RequestMessage
{
    public long Id { get; set; }

    public long RequestId { get; set; }

    public MessageSide Side { get; set; }

    public string? AuthorUserId { get; set; }

    /// <summary>The name shown with the message, as it was when written.</summary>
    public required string AuthorName { get; set; }

    /// <summary>Plain text, shown encoded: never rendered as HTML.</summary>
    public required string Body { get; set; }

    /// <summary>The billing system's id of a message it sent, so re-sending it adds nothing.</summary>
    public string? ExternalId { get; set; }

    /// <summary>
    /// Set on a message the portal wrote itself (<see cref="RequestMessageEvents"/>): the body then holds
    /// a code (a status name), and the text is made in the reader's language when shown.
    /// </summary>
    public string? SystemEvent { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>The messages the portal writes in a thread by itself.</summary>
public static class RequestMessageEvents
{
    /// <summary>The request moved to the status named in the body, by the message's side and author.</summary>
    public const string StatusChanged = "status_changed";
}

/// <summary>A file a customer attached to a request (a photo of the machine, a PDF of a delivery note).</summary>
public sealed class RequestAttachment
{
    public long Id { get; set; }

    public long RequestId { get; set; }

    public required string FileName { get; set; }

    /// <summary>The type read from the bytes (never the name's or the browser's claim).</summary>
    public required string ContentType { get; set; }

    public long Length { get; set; }

    public string? UploadedByUserId { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Kept in its own table so that listing attachments never reads their bytes.</summary>
    public RequestAttachmentContent? Content { get; set; }
}

public sealed class RequestAttachmentContent
{
    public long AttachmentId { get; set; }

    public required byte[] Bytes { get; set; }
}

internal sealed class CustomerRequestConfiguration : IEntityTypeConfiguration<CustomerRequest>
{
    public void Configure(EntityTypeBuilder<CustomerRequest> b)
    {
        b.Property(r => r.Number).HasMaxLength(50);
        b.Property(r => r.Status).HasMaxLength(30);
        b.Property(r => r.Subject).HasMaxLength(200);
        b.Property(r => r.OpenedByUserId).HasMaxLength(450);
        b.Property(r => r.AssignedStaffUserId).HasMaxLength(450);
        b.HasIndex(r => new { r.Kind, r.Number }).IsUnique();
        b.HasIndex(r => new { r.Kind, r.SubjectId }).IsUnique();
        // The account's /requests, newest first, all kinds or one.
        b.HasIndex(r => new { r.AccountId, r.CreatedAt, r.Id });
        b.HasIndex(r => new { r.AccountId, r.Kind, r.CreatedAt, r.Id });
        // The console's inbox: everything, or by kind, by status (open first), by assignee; by age.
        b.HasIndex(r => new { r.CreatedAt, r.Id });
        b.HasIndex(r => new { r.Kind, r.Status, r.CreatedAt, r.Id });
        b.HasIndex(r => new { r.IsOpen, r.CreatedAt, r.Id });
        b.HasIndex(r => new { r.Status, r.CreatedAt, r.Id });
        b.HasIndex(r => new { r.AssignedStaffUserId, r.CreatedAt, r.Id });
        b.HasOne<Account>().WithMany().HasForeignKey(r => r.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RequestMessageConfiguration : IEntityTypeConfiguration<RequestMessage>
{
    public void Configure(EntityTypeBuilder<RequestMessage> b)
    {
        b.Property(m => m.AuthorUserId).HasMaxLength(450);
        b.Property(m => m.AuthorName).HasMaxLength(200);
        b.Property(m => m.Body).HasMaxLength(4000);
        b.Property(m => m.ExternalId).HasMaxLength(100);
        b.Property(m => m.SystemEvent).HasMaxLength(30);
        b.HasIndex(m => new { m.RequestId, m.CreatedAt, m.Id });
        b.HasIndex(m => m.ExternalId).IsUnique();
        b.HasOne<CustomerRequest>().WithMany().HasForeignKey(m => m.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RequestAttachmentConfiguration : IEntityTypeConfiguration<RequestAttachment>
{
    public void Configure(EntityTypeBuilder<RequestAttachment> b)
    {
        b.Property(a => a.FileName).HasMaxLength(200);
        b.Property(a => a.ContentType).HasMaxLength(50);
        b.Property(a => a.UploadedByUserId).HasMaxLength(450);
        b.HasIndex(a => a.RequestId);
        b.HasOne<CustomerRequest>().WithMany().HasForeignKey(a => a.RequestId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(a => a.Content).WithOne().HasForeignKey<RequestAttachmentContent>(c => c.AttachmentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RequestAttachmentContentConfiguration : IEntityTypeConfiguration<RequestAttachmentContent>
{
    public void Configure(EntityTypeBuilder<RequestAttachmentContent> b)
    {
        b.HasKey(c => c.AttachmentId);
        b.Property(c => c.AttachmentId).ValueGeneratedNever();
    }
}
