using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data;

namespace Portal.Infrastructure.Activity;

/// <summary>
/// One line of the activity trail: who did what, when, from where. Readable by the customer's user
/// administrators for their account, and by staff in the console.
/// </summary>
public sealed class ActivityEntry
{
    public long Id { get; set; }

    /// <summary>The account it concerns; null for events of the user alone (a login, a password change).</summary>
    public long? AccountId { get; set; }

    public string? UserId { get; set; }

    /// <summary>The e-mail or login the event names, kept even when no user matches (a failed login).</summary>
    public string? Subject { get; set; }

    /// <summary>Dotted name, e.g. <c>login.succeeded</c>, <c>password.changed</c>, <c>invoice.downloaded</c>.</summary>
    public required string Action { get; set; }

    /// <summary>A short human-readable detail, e.g. the invoice number downloaded.</summary>
    public string? Detail { get; set; }

    public string? IpAddress { get; set; }

    public string? UserAgent { get; set; }

    public DateTime OccurredAt { get; set; }
}

internal sealed class ActivityEntryConfiguration : IEntityTypeConfiguration<ActivityEntry>
{
    public void Configure(EntityTypeBuilder<ActivityEntry> b)
    {
        b.Property(a => a.UserId).HasMaxLength(450);
        b.Property(a => a.Subject).HasMaxLength(256);
        b.Property(a => a.Action).HasMaxLength(100);
        b.Property(a => a.Detail).HasMaxLength(500);
        b.Property(a => a.IpAddress).HasMaxLength(64);
        b.Property(a => a.UserAgent).HasMaxLength(300);
        b.HasIndex(a => new { a.AccountId, a.OccurredAt, a.Id });
        b.HasIndex(a => new { a.UserId, a.OccurredAt, a.Id });
        // The console reads the whole trail newest first (migration 20261122000400_Invitations).
        b.HasIndex(a => new { a.OccurredAt, a.Id });
    }
}

/// <summary>Adds entries to the activity trail inside the caller's unit of work (nothing is saved here).</summary>
public sealed class ActivityLog(PortalDb db, TimeProvider time, IHttpContextAccessor http)
{
    public ActivityEntry Record(string action, string? userId, long? accountId = null, string? detail = null, string? subject = null)
    {
        var request = http.HttpContext?.Request;
        var agent = request?.Headers.UserAgent.ToString();
        var entry = new ActivityEntry
        {
            Action = action,
            UserId = userId,
            AccountId = accountId,
            Detail = detail,
            Subject = subject,
            IpAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString(),
            UserAgent = string.IsNullOrEmpty(agent) ? null : agent[..Math.Min(agent.Length, 300)],
            OccurredAt = time.GetUtcNow().UtcDateTime,
        };
        db.Add(entry);
        return entry;
    }
}
