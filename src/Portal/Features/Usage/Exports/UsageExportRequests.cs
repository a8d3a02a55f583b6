using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Email;
using Portal.Resources;

namespace Portal.Features.Usage.Exports;

/// <summary>Usage export settings, section <c>UsageExports</c>.</summary>
public sealed class UsageExportOptions
{
    /// <summary>How long a finished export can be downloaded.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>An export of at most this many rows is answered at once, without the queue.</summary>
    public int ImmediateRows { get; set; } = 1_000;

    /// <summary>How long a worker holds a claimed export before another may take it over.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Size of one stored piece of a file.</summary>
    public int ChunkBytes { get; set; } = 1024 * 1024;

    public int MaxAttempts { get; set; } = 3;
}

/// <summary>
/// Turns "export these records" into either the file at once (small) or a queued export row (the
/// background job builds it and mails a link). Validates first; a refused request writes nothing.
/// </summary>
public sealed class UsageExportRequests(
    PortalDb db, IHttpContextAccessor http, OperatorClock clock, OperatorSettingsCache settings, PublicLinks links, IOptions<UsageExportOptions> options, IStringLocalizer<SharedResource> l)
{
    public abstract record Result
    {
        public sealed record Immediate(byte[] Content, string ContentType, string FileName) : Result;

        public sealed record Queued(string PublicId) : Result;

        public sealed record Invalid(string Field, string Message) : Result;
    }

    public async Task<Result> RequestAsync(CurrentAccount account, UsageFilter filter, string? format, string? rows, CancellationToken ct)
    {
        UsageExportFormat parsed;
        switch (format?.Trim().ToLowerInvariant())
        {
            case "xlsx":
                parsed = UsageExportFormat.Xlsx;
                break;
            case "csv":
                parsed = UsageExportFormat.Csv;
                break;
            default:
                return new Result.Invalid("format", l["Choose Excel (.xlsx) or CSV."]);
        }

        var limit = (await settings.GetAsync(ct)).UsageExportLimit;
        var maxRows = limit;
        if (!string.IsNullOrWhiteSpace(rows))
        {
            if (!int.TryParse(rows.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out maxRows) || maxRows < 1)
            {
                return new Result.Invalid("rows", l["Enter a number of records from 1 to {0}.", limit.ToString("N0", CultureInfo.CurrentCulture)]);
            }

            if (maxRows > limit)
            {
                return new Result.Invalid("rows", l["An export holds at most {0} records; enter a smaller number or narrow the filter.", limit.ToString("N0", CultureInfo.CurrentCulture)]);
            }
        }

        var zone = await clock.ZoneAsync(ct);
        var immediate = options.Value.ImmediateRows;
        var matching = await filter.Apply(db.UsageRecords.AsNoTracking(), account.Id, zone).Take(immediate + 1).CountAsync(ct);
        if (Math.Min(matching, maxRows) <= immediate)
        {
            using var buffer = new MemoryStream();
            await UsageExportFile.WriteAsync(buffer, parsed, UsageRecordList.Stream(db, account.Id, filter, zone, maxRows), zone, l, ct);
            return new Result.Immediate(buffer.ToArray(), UsageExportFile.ContentType(parsed), UsageExportFile.FileName(filter, parsed));
        }

        var now = WorkerTime.Floor(clock.UtcNow);
        var export = new UsageExport
        {
            PublicId = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16)),
            UserId = http.HttpContext!.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)!.Value,
            AccountId = account.Id,
            Format = parsed,
            Filter = filter.ToQueryString(),
            MaxRows = maxRows,
            LinkBase = links.To("/usage/exports/"),
            Culture = RegionalFormats.Chosen(CultureInfo.CurrentCulture.Name)?.Name ?? CultureInfo.CurrentUICulture.Name,
            Status = UsageExportStatus.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
            ExpiresAt = now + options.Value.Lifetime,
        };
        db.UsageExports.Add(export);
        await db.SaveChangesAsync(ct);
        return new Result.Queued(export.PublicId);
    }
}
