using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Features.Operator;
using Portal.Features.Statements;
using Portal.Infrastructure;

namespace Portal.Bench.Statements;

internal sealed record StatementPdfOptions(DatabaseProvider Provider, string ConnectionString, string AccountNumber, int Days, int Repeat, bool LogSql);

/// <summary>
/// The statement PDF of one account over the last <c>Days</c> days, built the way <c>/statements/pdf</c>
/// builds it (<see cref="StatementBuilder.BuildAsync"/>, then <see cref="StatementPdf.Render"/>), in one
/// process without HTTP: the query and the drawing timed apart, each repeated, with the bytes allocated,
/// so that a change to either shows on its own. The first round (JIT, query compilation) is not reported.
/// Use a copy the portal has started on (bench/out/run.db after bench/run.sh): its start-up analyzes the
/// indexes migrations added, without which SQLite reads the year's payments through the wrong index.
/// </summary>
internal sealed class StatementPdfBench(StatementPdfOptions options)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public async Task<int> RunAsync()
    {
        var dbOptions = new DbContextOptionsBuilder<PortalDb>(PortalDbOptions.Create(options.Provider, options.ConnectionString));
        if (options.LogSql)
        {
            // Each command with its duration, to see which of the statement's queries the time goes to.
            dbOptions.LogTo(Console.Error.WriteLine, [RelationalEventId.CommandExecuted], LogLevel.Information);
        }

        await using var db = new PortalDb(dbOptions.Options);
        var account = await db.Accounts.AsNoTracking().Where(a => a.Number == options.AccountNumber)
            .Select(a => new { a.Id, a.Number, a.Name }).FirstOrDefaultAsync();
        if (account is null)
        {
            Console.Error.WriteLine($"No account numbered {options.AccountNumber}.");
            return 2;
        }

        var settings = await db.OperatorSettings.AsNoTracking().FirstOrDefaultAsync() ?? new OperatorSettings();
        var zone = OperatorClock.FindZone(settings.TimeZoneId);
        var to = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, zone));
        var from = to.AddDays(-options.Days);
        var culture = CultureInfo.GetCultureInfo("en-US");

        var build = new List<double>();
        var render = new List<double>();
        var buildCpu = new List<double>();
        var renderCpu = new List<double>();
        long allocated = 0;
        var bytes = 0;
        var lines = 0;
        for (var round = 0; round <= options.Repeat; round++)
        {
            db.ChangeTracker.Clear();
            var clock = Stopwatch.StartNew();
            var cpu = Environment.CpuUsage.TotalTime;
            var result = await StatementBuilder.BuildAsync(db, account.Id, from, to, asOf: false, includeChildren: false, zone, CancellationToken.None);
            var built = clock.Elapsed.TotalMilliseconds;
            var builtCpu = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds;
            if (result is not StatementResult.Ready ready)
            {
                Console.Error.WriteLine($"The statement was refused: {result}.");
                return 1;
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            clock.Restart();
            cpu = Environment.CpuUsage.TotalTime;
            var pdf = StatementPdf.Render(ready.Statement, account.Number, account.Name, settings, EnglishText.Instance, culture);
            var drawn = clock.Elapsed.TotalMilliseconds;
            var drawnCpu = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds;
            if (round == 0)
            {
                continue;
            }

            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            build.Add(built);
            render.Add(drawn);
            buildCpu.Add(builtCpu);
            renderCpu.Add(drawnCpu);
            bytes = pdf.Length;
            lines = ready.Statement.LineCount;
        }

        build.Sort();
        render.Sort();
        buildCpu.Sort();
        renderCpu.Sort();
        Console.WriteLine(string.Create(Inv, $"Statement PDF of account {account.Number}, {from:yyyy-MM-dd} to {to:yyyy-MM-dd}: {lines:N0} lines, {bytes:N0} bytes, {options.Repeat} rounds after one warm-up."));
        Console.WriteLine();
        Console.WriteLine("| phase | wall min ms | wall p50 ms | wall max ms | CPU min ms | CPU p50 ms | allocated MB per round |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|");
        Console.WriteLine(string.Create(Inv, $"| query (StatementBuilder.BuildAsync) | {build[0]:F1} | {build[build.Count / 2]:F1} | {build[^1]:F1} | {buildCpu[0]:F1} | {buildCpu[buildCpu.Count / 2]:F1} | |"));
        Console.WriteLine(string.Create(Inv, $"| drawing (StatementPdf.Render) | {render[0]:F1} | {render[render.Count / 2]:F1} | {render[^1]:F1} | {renderCpu[0]:F1} | {renderCpu[renderCpu.Count / 2]:F1} | {allocated / 1048576.0 / options.Repeat:F1} |"));
        return 0;
    }
}
