using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;

namespace Portal.Features.ServiceCalls;

public enum ServiceCallStatus
{
    Open = 0,
    Scheduled = 1,
    InProgress = 2,
    WaitingOnCustomer = 3,
    Resolved = 4,
    Closed = 5,
    Cancelled = 6,
}

public enum ServiceCallPriority
{
    Low = 0,
    Normal = 1,
    High = 2,
    Urgent = 3,
}

/// <summary>A request for service on a piece of equipment, opened in the portal or by the back office.</summary>
public sealed class ServiceCall
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public string? ExternalId { get; set; }

    public required string Number { get; set; }

    public required string Subject { get; set; }

    public required string Description { get; set; }

    public string? Equipment { get; set; }

    public ServiceCallPriority Priority { get; set; } = ServiceCallPriority.Normal;

    public DateOnly? PreferredDate { get; set; }

    public DateTime? ScheduledFor { get; set; }

    public ServiceCallStatus Status { get; set; }

    public DateTime OpenedAt { get; set; }

    public string? OpenedByUserId { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<ServiceCallComment> Comments { get; set; } = [];
}

public sealed class ServiceCallComment
{
    public long Id { get; set; }

    public long ServiceCallId { get; set; }

    /// <summary>The name shown with the comment: the customer's user or the operator's technician.</summary>
    public required string Author { get; set; }

    public bool FromCustomer { get; set; }

    public required string Body { get; set; }

    /// <summary>The billing system's id of a comment it sent, so re-sending it adds nothing.</summary>
    public string? ExternalId { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal sealed class ServiceCallConfiguration : IEntityTypeConfiguration<ServiceCall>
{
    public void Configure(EntityTypeBuilder<ServiceCall> b)
    {
        b.Property(s => s.ExternalId).HasMaxLength(100);
        b.Property(s => s.Number).HasMaxLength(50);
        b.Property(s => s.Subject).HasMaxLength(200);
        b.Property(s => s.Description).HasMaxLength(4000);
        b.Property(s => s.Equipment).HasMaxLength(200);
        b.Property(s => s.OpenedByUserId).HasMaxLength(450);
        b.HasIndex(s => s.ExternalId).IsUnique();
        b.HasIndex(s => s.Number).IsUnique();
        b.HasIndex(s => new { s.AccountId, s.OpenedAt, s.Id });
        b.HasOne<Account>().WithMany().HasForeignKey(s => s.AccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(s => s.Comments).WithOne().HasForeignKey(c => c.ServiceCallId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ServiceCallCommentConfiguration : IEntityTypeConfiguration<ServiceCallComment>
{
    public void Configure(EntityTypeBuilder<ServiceCallComment> b)
    {
        b.Property(c => c.Author).HasMaxLength(200);
        b.Property(c => c.Body).HasMaxLength(4000);
        b.Property(c => c.ExternalId).HasMaxLength(100);
        b.HasIndex(c => new { c.ServiceCallId, c.CreatedAt });
        b.HasIndex(c => c.ExternalId).IsUnique();
    }
}
