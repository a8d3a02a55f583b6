using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Usage;
using Portal.Features.Usage.Exports;
using Portal.Infrastructure;

namespace Portal.Bench.Export;

internal sealed record ExportOptions(DatabaseProvider Provider, string ConnectionString, int[] Sizes, UsageExportFormat[] Formats);

/// <summary>
/// Builds usage exports of the largest usage account the way the portal's export worker does
/// (<see cref="UsageRecordList.Stream"/> into <see cref="UsageExportFile.WriteAsync"/>, to a temporary file
/// with the worker's buffer size), for increasing row limits in one process, and prints the wall time,
/// the file size, the bytes allocated and the process's peak resident memory (VmHWM) before and after
/// each, and the memory the GC has committed for its heap after it (what a rise of the peak is made of
/// when the writer holds nothing: the server GC's allocation budget, which grows to a bound and stays there):
/// a streamed export leaves the peak where the first one put it, whatever the number of rows.
/// Storing the file into the database chunks afterwards is not included.
/// </summary>
internal sealed class ExportBench(ExportOptions options)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public async Task<int> RunAsync()
    {
        await using var db = new PortalDb(PortalDbOptions.Create(options.Provider, options.ConnectionString));
        var account = await LargestUsageAccount.FindAsync(db);
        if (account is null)
        {
            Console.Error.WriteLine("The database has no usage records (generate with --usage N).");
            return 2;
        }

        var zoneId = await db.OperatorSettings.AsNoTracking().Select(s => s.TimeZoneId).FirstOrDefaultAsync() ?? OperatorDefaults.TimeZoneId;
        var zone = OperatorClock.FindZone(zoneId);
        // One billing period of the largest account holds about a twelfth of its records (some 40,000 at
        // ten million): the filter spans the last twelve months so that the largest limit is reached.
        var newest = await db.UsageRecords.AsNoTracking().Where(u => u.AccountId == account.AccountId).MaxAsync(u => u.OccurredAt);
        var lastDay = DateOnly.FromDateTime(OperatorClock.ToLocal(newest, zone));
        var end = lastDay.AddDays(1);
        var start = end.AddMonths(-12);
        var period = new BillingPeriod(start, end, BillingPeriod.DayStartUtc(start, zone), BillingPeriod.DayStartUtc(end, zone));
        var filter = new UsageFilter(period, null, null, null, null, null, null);
        var text = new StringBuilder();
        text.AppendLine(Inv, $"Usage export of account {account.Number} ({account.Records:N0} usage records; filter {start:yyyy-MM-dd} to {lastDay:yyyy-MM-dd}, newest first), {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}.");
        text.AppendLine();
        text.AppendLine("| rows asked | rows written | format | wall ms | file bytes | allocated MB | peak RSS before MB | peak RSS after MB | GC committed after MB |");
        text.AppendLine("|--:|--:|---|--:|--:|--:|--:|--:|--:|");
        Console.Write(text.ToString());

        // The first, small export pays for JIT and the first query's compilation; it is not reported.
        await BuildAsync(db, account.AccountId, filter, zone, options.Formats[0], 100);
        foreach (var size in options.Sizes)
        {
            foreach (var format in options.Formats)
            {
                db.ChangeTracker.Clear();
                var peakBefore = PeakResidentBytes();
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var stopwatch = Stopwatch.StartNew();
                var (rows, bytes) = await BuildAsync(db, account.AccountId, filter, zone, format, size);
                var elapsed = stopwatch.Elapsed;
                var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                var peakAfter = PeakResidentBytes();
                Console.WriteLine(string.Create(Inv,
                    $"| {size:N0} | {rows:N0} | {format.ToString().ToLowerInvariant()} | {elapsed.TotalMilliseconds:F0} | {bytes:N0} | {allocated / 1048576.0:F1} | {peakBefore / 1048576.0:F1} | {peakAfter / 1048576.0:F1} | {GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0:F1} |"));
            }
        }

        return 0;
    }

    private static async Task<(int Rows, long Bytes)> BuildAsync(PortalDb db, long accountId, UsageFilter filter, TimeZoneInfo zone, UsageExportFormat format, int limit)
    {
        // As the worker: a temporary file with a 64 KiB buffer, deleted on close.
        var path = Path.Combine(Path.GetTempPath(), $"portal-bench-export-{Environment.ProcessId}.tmp");
        await using var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        var rows = await UsageExportFile.WriteAsync(file, format, UsageRecordList.Stream(db, accountId, filter, zone, limit), zone, EnglishText.Instance, CancellationToken.None);
        file.Flush();
        return (rows, file.Length);
    }

    /// <summary>The process's peak resident set size so far (VmHWM), in bytes; 0 where /proc is missing.</summary>
    private static long PeakResidentBytes()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return 0;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, Inv) * 1024;
            }
        }

        return 0;
    }
}
