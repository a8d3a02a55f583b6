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

/// <summary>A request for service on a piece of equipment, opened in the portal or by the back office; its thread and files live in the requests hub.</summary>
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

    /// <summary>Whether anyone still has to act on the call (its thread takes comments).</summary>
    public static bool IsOpenStatus(ServiceCallStatus status) => status is not (ServiceCallStatus.Resolved or ServiceCallStatus.Closed or ServiceCallStatus.Cancelled);
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
        // The account's /service-calls filtered by status, newest first.
        b.HasIndex(s => new { s.AccountId, s.Status, s.OpenedAt, s.Id });
    }
}
