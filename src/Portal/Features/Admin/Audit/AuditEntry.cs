using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data;
using Portal.Features.Identity;

namespace Portal.Features.Admin.Audit;

/// <summary>
/// One staff action in the append-only audit log: who (their id and e-mail at the time), when, what,
/// on which thing, and the values before and after. Rows are only ever inserted: PortalDb refuses a
/// modified or deleted entry and a database trigger refuses UPDATE and DELETE (migration Audit).
/// </summary>
public sealed class AuditEntry
{
    public const int MaxValuesLength = 4000;

    public long Id { get; set; }

    public DateTime OccurredAt { get; set; }

    public string? ActorId { get; set; }

    /// <summary>The staff member's e-mail when they acted, kept even if the user is later renamed or removed.</summary>
    public string? ActorEmail { get; set; }

    /// <summary>Stable dotted code, e.g. <c>settings.changed</c>, <c>invitation.sent</c>.</summary>
    public required string Action { get; set; }

    /// <summary>What was acted on: <c>settings</c>, <c>account</c>, <c>membership</c>, <c>invitation</c>.</summary>
    public required string TargetKind { get; set; }

    /// <summary>The target's number or id as staff know it (an account number, an invitation id).</summary>
    public string? TargetId { get; set; }

    /// <summary>Small JSON of the values before; never a secret or a password.</summary>
    public string? Before { get; set; }

    public string? After { get; set; }

    public string? IpAddress { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("AuditEntries");
        b.Property(a => a.ActorId).HasMaxLength(450);
        b.Property(a => a.ActorEmail).HasMaxLength(256);
        b.Property(a => a.Action).HasMaxLength(100);
        b.Property(a => a.TargetKind).HasMaxLength(50);
        b.Property(a => a.TargetId).HasMaxLength(100);
        b.Property(a => a.Before).HasMaxLength(AuditEntry.MaxValuesLength);
        b.Property(a => a.After).HasMaxLength(AuditEntry.MaxValuesLength);
        b.Property(a => a.IpAddress).HasMaxLength(64);
        // /admin/audit reads newest first, overall and filtered by actor or action.
        b.HasIndex(a => new { a.OccurredAt, a.Id });
        b.HasIndex(a => new { a.ActorId, a.OccurredAt, a.Id });
        b.HasIndex(a => new { a.Action, a.OccurredAt, a.Id });
    }
}

/// <summary>
/// Adds audit entries for staff actions inside the caller's unit of work (nothing is saved here, so the
/// entry is written by the same SaveChanges as the change, or not at all). A customer's own action is
/// not a staff action: for them nothing is recorded.
/// </summary>
public sealed class StaffAudit(PortalDb db, TimeProvider time, IHttpContextAccessor http)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public AuditEntry? Record(string action, string targetKind, string? targetId, object? before, object? after)
    {
        var context = http.HttpContext;
        var user = context?.User;
        if (user is null || !user.HasClaim(IdentitySetup.StaffClaim, "true"))
        {
            return null;
        }

        var entry = new AuditEntry
        {
            OccurredAt = time.GetUtcNow().UtcDateTime,
            ActorId = user.FindFirstValue(ClaimTypes.NameIdentifier),
            ActorEmail = Cut(user.Identity?.Name, 256),
            Action = action,
            TargetKind = targetKind,
            TargetId = Cut(targetId, 100),
            Before = Serialize(before),
            After = Serialize(after),
            IpAddress = context!.Connection.RemoteIpAddress?.ToString(),
        };
        db.AuditEntries.Add(entry);
        return entry;
    }

    private static string? Serialize(object? value) =>
        value is null ? null : Cut(JsonSerializer.Serialize(value, Json), AuditEntry.MaxValuesLength);

    private static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}

public static class AuditSetup
{
    public static WebApplicationBuilder AddStaffAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<StaffAudit>();
        return builder;
    }
}
