using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.Email;
using Portal.Infrastructure.Workers;
using Portal.Resources;

namespace Portal.Features.Usage.Exports;

/// <summary>
/// Builds queued usage exports. Safe on every instance at once: an export is claimed through the shared
/// <see cref="WorkLeases"/> (as the e-mail and webhook workers claim theirs), one at a time so that
/// another instance can take the next one meanwhile; only the claimer builds it, a crashed worker's
/// claim runs out, and a stopped one hands back what it had not started. The file goes to a
/// temporary file first (both formats are written forward, row by row), then into the database in pieces, with
/// the ready status and the e-mail in one transaction. Expired files are deleted here too.
/// </summary>
public sealed class UsageExportWorker(
    IServiceScopeFactory scopes,
    TimeProvider time,
    WorkLeases leases,
    IOptions<UsageExportOptions> exportOptions,
    IOptions<WorkerOptions> workerOptions,
    ILogger<UsageExportWorker> logger) : PollingWorker(workerOptions.Value, logger)
{
    private const int ExportsPerPass = 5;

    private readonly UsageExportOptions _options = exportOptions.Value;

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var now = WorkerTime.Floor(time.GetUtcNow().UtcDateTime);
        await DeleteExpiredAsync(db, now, ct);
        var built = 0;
        // A few per pass, each claimed on its own: a build can take seconds.
        for (var i = 0; i < ExportsPerPass; i++)
        {
            await using var claim = await leases.ClaimAsync(db, db.UsageExports.Where(e => e.Status == UsageExportStatus.Pending), 1, _options.Lease, ct);
            if (claim.Count == 0)
            {
                break;
            }

            var id = claim.Ids[0];
            await BuildOneAsync(scope.ServiceProvider, db, id, claim.Lease, ct);
            claim.Done(id);
            built++;
        }

        return built;
    }

    private async Task BuildOneAsync(IServiceProvider services, PortalDb db, long id, DateTime lease, CancellationToken ct)
    {
        // The attempt counts once claimed (a build that crashes the process still used one).
        await db.UsageExports.Where(e => e.Id == id && e.NextAttemptAt == lease)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.Attempts, e => e.Attempts + 1), ct);
        var export = await db.UsageExports.AsNoTracking().SingleAsync(e => e.Id == id, ct);
        var path = Path.Combine(Path.GetTempPath(), $"portal-usage-export-{export.PublicId}.tmp");
        // The file is written in the language the export was asked in (unless the operator has stopped offering
        // it since), with the formats its requester chose or else the operator's region's.
        var operatorSettings = await services.GetRequiredService<OperatorSettingsCache>().GetAsync(ct);
        var words = WebSetup.Culture(export.Culture, operatorSettings);
        using var culture = CultureScope.Use(RegionalFormats.Chosen(export.Culture) ?? RegionalFormats.For(words, operatorSettings.Currency), words);
        try
        {
            var l = services.GetRequiredService<IStringLocalizer<SharedResource>>();
            var clock = services.GetRequiredService<OperatorClock>();
            var zone = await clock.ZoneAsync(ct);
            var billDay = await db.Accounts.Where(a => a.Id == export.AccountId).Select(a => a.BillDay).FirstAsync(ct);
            var today = await clock.TodayAsync(ct);
            var filter = UsageFilter.Parse(UsageQueryValues.FromQueryString(export.Filter), billDay, today, zone, l, []);
            int rows;
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose))
            {
                // A connection of its own for the read: the chunks are written on the scope's.
                await using (var readScope = scopes.CreateAsyncScope())
                {
                    var readDb = readScope.ServiceProvider.GetRequiredService<PortalDb>();
                    rows = await UsageExportFile.WriteAsync(file, export.Format, UsageRecordList.Stream(readDb, export.AccountId, filter, zone, export.MaxRows), zone, l, ct);
                }

                file.Position = 0;
                await StoreAsync(services, db, export, file, rows, lease, l, ct);
            }
        }
#pragma warning disable CA1031 // One bad export must not stop the others; it is retried, then marked failed.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            logger.LogError(ex, "Usage export {ExportId} failed on attempt {Attempts}.", id, export.Attempts);
            var failed = export.Attempts >= _options.MaxAttempts;
            var message = ex.Message.Length > 1000 ? ex.Message[..1000] : ex.Message;
            await db.UsageExports.Where(e => e.Id == id && e.NextAttemptAt == lease)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(e => e.Status, failed ? UsageExportStatus.Failed : UsageExportStatus.Pending)
                    .SetProperty(e => e.NextAttemptAt, WorkerTime.Floor(time.GetUtcNow().UtcDateTime) + TimeSpan.FromMinutes(1))
                    .SetProperty(e => e.Error, message), CancellationToken.None);
        }
    }

    private async Task StoreAsync(IServiceProvider services, PortalDb db, UsageExport export, Stream file, int rows, DateTime lease, IStringLocalizer l, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Still ours? Another worker may have taken over after our lease ran out.
        var finished = WorkerTime.Floor(time.GetUtcNow().UtcDateTime);
        var updated = await db.UsageExports.Where(e => e.Id == export.Id && e.NextAttemptAt == lease && e.Status == UsageExportStatus.Pending)
            .ExecuteUpdateAsync(u => u
                .SetProperty(e => e.Status, UsageExportStatus.Ready)
                .SetProperty(e => e.RowCount, rows)
                .SetProperty(e => e.SizeBytes, file.Length)
                .SetProperty(e => e.CompletedAt, finished)
                .SetProperty(e => e.ExpiresAt, finished + _options.Lifetime)
                .SetProperty(e => e.Error, (string?)null), ct);
        if (updated == 0)
        {
            return;
        }

        await db.UsageExportChunks.Where(c => c.ExportId == export.Id).ExecuteDeleteAsync(ct);
        var buffer = new byte[_options.ChunkBytes];
        var sequence = 0;
        int read;
        while ((read = await ReadFullAsync(file, buffer, ct)) > 0)
        {
            // A full chunk is saved from the buffer itself (1 MiB by default: a copy would be a large-object
            // allocation per chunk); once saved and cleared, EF holds no reference to it, so it is refilled.
            db.UsageExportChunks.Add(new UsageExportChunk { ExportId = export.Id, Sequence = sequence++, Data = read == buffer.Length ? buffer : buffer[..read] });
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }

        var to = await db.Users.Where(u => u.Id == export.UserId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        var settings = await services.GetRequiredService<OperatorSettingsCache>().GetAsync(ct);
        if (to is not null && settings.IsOn(PortalFeature.UsageExport))
        {
            var accountNumber = await db.Accounts.Where(a => a.Id == export.AccountId).Select(a => a.Number).FirstAsync(ct);
            var link = export.LinkBase + export.PublicId;
            var expires = OperatorClock.ToLocal(finished + _options.Lifetime, OperatorClock.FindZone(settings.TimeZoneId)).ToString("g", CultureInfo.CurrentCulture);
            var body = string.Join("\n\n",
                l["Your usage export for account {0} is ready: {1} records.", accountNumber, rows.ToString("N0", CultureInfo.CurrentCulture)],
                l["Download it here (sign-in required): {0}", link],
                l["The link works only for you, while you are a member of the account, until {0}.", expires]);
            services.GetRequiredService<EmailOutbox>().Enqueue(to, l["Your usage export is ready"], body, null, "usage-export", export.AccountId);
            await db.SaveChangesAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    private static async Task<int> ReadFullAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total), ct);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <summary>Expired exports lose their file; the row stays (as expired) so the list and the link can say so.</summary>
    private static async Task DeleteExpiredAsync(PortalDb db, DateTime now, CancellationToken ct)
    {
        var expired = await db.UsageExports.AsNoTracking().Where(e => e.ExpiresAt < now && e.Status != UsageExportStatus.Expired)
            .OrderBy(e => e.ExpiresAt).Select(e => e.Id).Take(20).ToListAsync(ct);
        foreach (var id in expired)
        {
            await db.UsageExportChunks.Where(c => c.ExportId == id).ExecuteDeleteAsync(ct);
            await db.UsageExports.Where(e => e.Id == id).ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, UsageExportStatus.Expired), ct);
        }
    }
}
