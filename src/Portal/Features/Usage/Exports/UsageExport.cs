using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;
using Portal.Features.Identity;
using Portal.Infrastructure.Workers;

namespace Portal.Features.Usage.Exports;

public enum UsageExportFormat
{
    Xlsx = 0,
    Csv = 1,
}

public enum UsageExportStatus
{
    /// <summary>Waiting for (or being built by) a worker: <see cref="UsageExport.NextAttemptAt"/> is the claim.</summary>
    Pending = 0,
    Ready = 1,
    Failed = 2,

    /// <summary>Past <see cref="UsageExport.ExpiresAt"/>: the file is deleted, the row kept to say so.</summary>
    Expired = 3,
}

/// <summary>
/// A usage export one user asked for: the filter (as the page's query string), the format, and once
/// built the file itself in <see cref="UsageExportChunk"/> rows, so that every instance can serve it
/// (ADR 0011). The public id is random: export ids cannot be guessed or counted.
/// </summary>
public sealed class UsageExport : ILeasedWork
{
    public long Id { get; set; }

    /// <summary>The id in links and e-mails: 22 url-safe characters of 128 random bits.</summary>
    public required string PublicId { get; set; }

    public required string UserId { get; set; }

    public long AccountId { get; set; }

    public UsageExportFormat Format { get; set; }

    /// <summary>The filter as the usage page's query string (period first), re-read by the worker.</summary>
    public required string Filter { get; set; }

    /// <summary>The newest records matching the filter, at most this many (the operator's limit when asked).</summary>
    public int MaxRows { get; set; }

    /// <summary>Where the e-mail's link points, taken when the export was asked for (workers have no request).</summary>
    public required string LinkBase { get; set; }

    /// <summary>The reader's language when asked, for the file's headings and the e-mail.</summary>
    public required string Culture { get; set; }

    public UsageExportStatus Status { get; set; }

    public int Attempts { get; set; }

    /// <summary>When a worker may next take it; a worker claims it by moving this forward (a lease).</summary>
    public DateTime NextAttemptAt { get; set; }

    public int? RowCount { get; set; }

    public long? SizeBytes { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? CompletedAt { get; set; }

    /// <summary>After this the link is refused and the file is deleted.</summary>
    public DateTime ExpiresAt { get; set; }

    public string? Error { get; set; }
}

/// <summary>One piece of an export's file, in order; files are written and read a piece at a time.</summary>
public sealed class UsageExportChunk
{
    public long ExportId { get; set; }

    public int Sequence { get; set; }

    public required byte[] Data { get; set; }
}

internal sealed class UsageExportConfiguration : IEntityTypeConfiguration<UsageExport>
{
    public void Configure(EntityTypeBuilder<UsageExport> b)
    {
        b.Property(e => e.PublicId).HasMaxLength(32);
        b.HasIndex(e => e.PublicId).IsUnique();
        b.Property(e => e.UserId).HasMaxLength(450);
        b.Property(e => e.Filter).HasMaxLength(1000);
        b.Property(e => e.LinkBase).HasMaxLength(300);
        b.Property(e => e.Culture).HasMaxLength(10);
        b.Property(e => e.Error).HasMaxLength(1000);
        // The worker's query: what is due, oldest first.
        b.HasIndex(e => new { e.Status, e.NextAttemptAt });
        // The user's list of recent exports, newest first.
        b.HasIndex(e => new { e.UserId, e.AccountId, e.Id });
        // The clean-up of expired files.
        b.HasIndex(e => e.ExpiresAt);
        b.HasOne<PortalUser>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Account>().WithMany().HasForeignKey(e => e.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UsageExportChunkConfiguration : IEntityTypeConfiguration<UsageExportChunk>
{
    public void Configure(EntityTypeBuilder<UsageExportChunk> b)
    {
        b.HasKey(c => new { c.ExportId, c.Sequence });
        b.HasOne<UsageExport>().WithMany().HasForeignKey(c => c.ExportId).OnDelete(DeleteBehavior.Cascade);
    }
}
