using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data;

namespace Portal.Infrastructure.Email;

public enum EmailStatus
{
    Pending = 0,
    Sent = 1,

    /// <summary>Gave up after the last retry; visible in the console's outbox.</summary>
    Failed = 2,
}

/// <summary>
/// One e-mail in the outbox. Written in the same transaction as the change it reports, sent later by
/// the background sender, so an SMTP outage delays mail but never loses it or undoes the change.
/// </summary>
public sealed class EmailMessage : Workers.ILeasedWork
{
    public long Id { get; set; }

    public required string To { get; set; }

    public required string Subject { get; set; }

    public required string TextBody { get; set; }

    public string? HtmlBody { get; set; }

    /// <summary>What the mail is about (invitation, password-reset, receipt, ...), for the console and tests.</summary>
    public required string Kind { get; set; }

    public long? AccountId { get; set; }

    public EmailStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>When the sender may next try; moves forward with each failure.</summary>
    public DateTime NextAttemptAt { get; set; }

    public DateTime? SentAt { get; set; }

    public string? LastError { get; set; }

    public List<EmailAttachment> Attachments { get; set; } = [];
}

/// <summary>
/// A file sent with an e-mail (a statement PDF), kept with its message in the outbox until it is sent:
/// the sender removes it then, so the outbox does not grow with every statement ever mailed.
/// </summary>
public sealed class EmailAttachment
{
    public long Id { get; set; }

    public long EmailMessageId { get; set; }

    public required string FileName { get; set; }

    public required string ContentType { get; set; }

    public required byte[] Content { get; set; }
}

/// <summary>A file to attach, as the caller has it.</summary>
public sealed record EmailFile(string FileName, string ContentType, byte[] Content);

internal sealed class EmailMessageConfiguration : IEntityTypeConfiguration<EmailMessage>
{
    public void Configure(EntityTypeBuilder<EmailMessage> b)
    {
        b.Property(m => m.To).HasMaxLength(256);
        b.Property(m => m.Subject).HasMaxLength(300);
        b.Property(m => m.Kind).HasMaxLength(50);
        b.Property(m => m.LastError).HasMaxLength(1000);
        // The sender's query: what is due, oldest first.
        b.HasIndex(m => new { m.Status, m.NextAttemptAt });
        b.HasIndex(m => m.CreatedAt);
        // The console's outbox, newest first, filtered by status.
        b.HasIndex(m => new { m.Status, m.Id });
        b.HasMany(m => m.Attachments).WithOne().HasForeignKey(a => a.EmailMessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EmailAttachmentConfiguration : IEntityTypeConfiguration<EmailAttachment>
{
    public void Configure(EntityTypeBuilder<EmailAttachment> b)
    {
        b.Property(a => a.FileName).HasMaxLength(200);
        b.Property(a => a.ContentType).HasMaxLength(100);
        b.HasIndex(a => a.EmailMessageId);
    }
}

/// <summary>Queues e-mail in the outbox, inside the caller's unit of work (nothing is saved here).</summary>
public sealed class EmailOutbox(PortalDb db, TimeProvider time)
{
    public EmailMessage Enqueue(string to, string subject, string textBody, string? htmlBody, string kind, long? accountId = null, IReadOnlyList<EmailFile>? files = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var message = new EmailMessage
        {
            To = to,
            Subject = subject,
            TextBody = textBody,
            HtmlBody = htmlBody,
            Kind = kind,
            AccountId = accountId,
            Status = EmailStatus.Pending,
            CreatedAt = now,
            // On the workers' millisecond clock, or it is a fraction of a millisecond in their future.
            NextAttemptAt = WorkerTime.Floor(now),
        };
        foreach (var file in files ?? [])
        {
            message.Attachments.Add(new EmailAttachment { FileName = file.FileName, ContentType = file.ContentType, Content = file.Content });
        }

        db.Add(message);
        return message;
    }
}
