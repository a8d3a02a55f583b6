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
}

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
    }
}

/// <summary>Queues e-mail in the outbox, inside the caller's unit of work (nothing is saved here).</summary>
public sealed class EmailOutbox(PortalDb db, TimeProvider time)
{
    public EmailMessage Enqueue(string to, string subject, string textBody, string? htmlBody, string kind, long? accountId = null)
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
        db.Add(message);
        return message;
    }
}
