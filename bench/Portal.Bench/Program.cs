// The portal's benchmark: a data generator for a large operator and an HTTP load test.
//
//   dotnet run -c Release --project bench/Portal.Bench -- generate --accounts 10000 --invoices 1000000 [--db bench/out/portal.db | --provider Postgres --connection "..."] [--users-file bench/out/users.tsv] [--seed 42] [--as-of 2026-11-21] [--usage N]
//   dotnet run -c Release --project bench/Portal.Bench -- ingest --url http://127.0.0.1:5080 --api-key KEY [--batches 30] [--batch-size 10000] [--warmup 10] [--concurrency 1] [--invoice-upserts 500] [--server-pid PID[,PID...]] [--pg-backends DATABASE]
//   dotnet run -c Release --project bench/Portal.Bench -- load --url http://127.0.0.1:5080 --users 32 --seconds 20 [--warmup 5] [--settle 30] [--users-file bench/out/users.tsv] [--mode mix|each|both] [--pages invoices,pdf] [--server-pid PID[,PID...]] [--proxy-pid PID[,PID...]] [--pg-backends DATABASE] [--as-user EMAIL] [--reference-url URL --reference-pid PID] [--db bench/out/portal.db | --provider Postgres --connection "..." | --usage-user EMAIL] [--rate N | --rates A,B,C]
//   dotnet run -c Release --project bench/Portal.Bench -- rollup [--db bench/out/portal.db | --provider Postgres --connection "..."]   (builds the daily usage rollup of a database generated before it existed; generate builds it itself)
//   dotnet run -c Release --project bench/Portal.Bench -- cards [--db bench/out/portal.db | --provider Postgres --connection "..."]   (a saved test card for every account without one, so that the load test can pay; generate adds them itself)
//   dotnet run -c Release --project bench/Portal.Bench -- export [--db bench/out/portal.db | --provider Postgres --connection "..."] [--sizes 1000,10000,100000] [--formats xlsx,csv]
//
//   dotnet run -c Release --project bench/Portal.Bench -- statement-pdf [--db bench/out/portal.db | --provider Postgres --connection "..."] [--account 100006] [--days 365] [--repeat 10] [--log-sql 1]   (the statement PDF built and drawn in-process, query and drawing timed apart)
//
//   dotnet run -c Release --project bench/Portal.Bench -- reference [--db bench/out/portal.db | --provider Postgres --connection "..."] [--url http://127.0.0.1:5081]   (the overview's figures in hand-written SQL: the floor the load test compares each page's CPU with)
//
// --server-pid: the portal processes whose CPU is summed (several instances behind a proxy); --proxy-pid: nginx's
// master and workers, reported apart; --pg-backends: the CPU of PostgreSQL's backends serving that database,
// reported apart (the portal's CPU does not show what the database spends for it).
//
// load: with --db (or --connection) it finds the account with the most usage records and adds the usage
// pages, requested by a member of that account (or by --usage-user). --rate N: an open loop instead of the closed
// one, N requests a second for each page on a fixed schedule, latency from each request's due time (Load/OpenLoop.cs);
// --rates A,B,C runs every phase at each rate in turn.
//
// See docs/performance.md for the targets and the measured figures.
using System.Globalization;
using Portal.Bench;
using Portal.Bench.Export;
using Portal.Bench.Generate;
using Portal.Bench.Load;
using Portal.Bench.Reference;
using Portal.Bench.Statements;
using Portal.Data;
using Portal.Features.Usage.Exports;

var inv = CultureInfo.InvariantCulture;
if (args.Length == 0 || args[0] is not ("generate" or "load" or "ingest" or "export" or "rollup" or "cards" or "reference" or "statement-pdf"))
{
    Console.Error.WriteLine("usage: Portal.Bench generate|load|ingest|export|rollup|cards|reference|statement-pdf [options] (see the comment at the top of Program.cs)");
    return 2;
}

var named = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"Expected --name value, got '{args[i]}'.");
        return 2;
    }

    named[args[i][2..]] = args[++i];
}

string Get(string name, string fallback) => named.TryGetValue(name, out var value) ? value : fallback;

DatabaseProvider Provider() => Enum.Parse<DatabaseProvider>(Get("provider", "Sqlite"), ignoreCase: true);

string Connection(DatabaseProvider provider) => named.TryGetValue("connection", out var cs) ? cs
    : provider == DatabaseProvider.Sqlite ? $"Data Source={Path.GetFullPath(Get("db", "bench/out/portal.db"))}"
    : throw new ArgumentException("--connection is required with --provider Postgres.");

if (args[0] == "generate")
{
    var provider = Provider();
    var connection = Connection(provider);
    var asOf = named.TryGetValue("as-of", out var date)
        ? DateOnly.ParseExact(date, "yyyy-MM-dd", inv)
        : DateOnly.FromDateTime(DateTime.UtcNow);
    var generateOptions = new GenerateOptions(
        int.Parse(Get("accounts", "10000"), inv),
        int.Parse(Get("invoices", "1000000"), inv),
        provider,
        connection,
        Get("users-file", "bench/out/users.tsv"),
        int.Parse(Get("seed", "42"), inv),
        asOf,
        long.Parse(Get("usage", "0"), inv));
    if (provider == DatabaseProvider.Sqlite)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(Get("db", "bench/out/portal.db")))!);
    }

    return await new Generator(generateOptions).RunAsync();
}

if (args[0] == "rollup")
{
    var provider = Provider();
    return await UsageRollupBuild.RunAsync(provider, Connection(provider));
}

if (args[0] == "cards")
{
    var provider = Provider();
    return await SavedCardsBuild.RunAsync(provider, Connection(provider));
}

if (args[0] == "reference")
{
    var provider = Provider();
    return await OverviewReference.RunAsync(provider, Connection(provider), Get("url", "http://127.0.0.1:5081"));
}

if (args[0] == "statement-pdf")
{
    var provider = Provider();
    return await new StatementPdfBench(new StatementPdfOptions(
        provider,
        Connection(provider),
        Get("account", "100006"),
        int.Parse(Get("days", "365"), inv),
        int.Parse(Get("repeat", "10"), inv),
        Get("log-sql", "0") == "1")).RunAsync();
}

if (args[0] == "ingest")
{
    return await new IngestTest(new IngestOptions(
        new Uri(Get("url", "http://127.0.0.1:5080")),
        named.TryGetValue("api-key", out var key) ? key : throw new ArgumentException("--api-key is required."),
        Get("users-file", "bench/out/users.tsv"),
        int.Parse(Get("batches", "30"), inv),
        int.Parse(Get("batch-size", "10000"), inv),
        int.Parse(Get("warmup", "10"), inv),
        int.Parse(Get("concurrency", "1"), inv),
        int.Parse(Get("invoice-upserts", "500"), inv),
        new CpuMeter(ProcessCpu.ParsePids(named.GetValueOrDefault("server-pid"))),
        DatabaseCpu())).RunAsync();
}

if (args[0] == "export")
{
    var provider = Provider();
    return await new ExportBench(new ExportOptions(
        provider,
        Connection(provider),
        [.. Get("sizes", "1000,10000,100000").Split(',').Select(n => int.Parse(n, inv)).Order()],
        [.. Get("formats", "xlsx,csv").Split(',').Select(f => Enum.Parse<UsageExportFormat>(f, ignoreCase: true))])).RunAsync();
}

// The usage pages are measured for the account with the most usage records, which only the data can tell.
var usageUser = named.TryGetValue("usage-user", out var givenUsageUser) ? givenUsageUser : null;
if (usageUser is null && (named.ContainsKey("db") || named.ContainsKey("connection")))
{
    var provider = Provider();
    await using var db = new PortalDb(PortalDbOptions.Create(provider, Connection(provider)));
    var largest = await LargestUsageAccount.FindAsync(db);
    if (largest is not null)
    {
        Console.Error.WriteLine(string.Create(inv, $"usage pages: account {largest.Number} ({largest.Records:N0} usage records) as {largest.MemberEmail}"));
        usageUser = largest.MemberEmail;
    }
}

var loadOptions = new LoadOptions(
    new Uri(Get("url", "http://127.0.0.1:5080")),
    int.Parse(Get("users", "32"), inv),
    int.Parse(Get("seconds", "20"), inv),
    int.Parse(Get("warmup", "5"), inv),
    Get("users-file", "bench/out/users.tsv"),
    Get("password", Generator.Password),
    Get("mode", "mix"),
    long.Parse(Get("max-requests", "5000000"), inv),
    named.TryGetValue("pages", out var pages) ? pages.Split(',') : null,
    new CpuMeter(ProcessCpu.ParsePids(named.GetValueOrDefault("server-pid"))),
    usageUser,
    named.TryGetValue("as-user", out var asUser) ? asUser : null,
    named.TryGetValue("reference-url", out var referenceUrl) ? new Uri(referenceUrl) : null,
    named.TryGetValue("reference-pid", out var referencePid) ? int.Parse(referencePid, inv) : null,
    int.Parse(Get("settle", "30"), inv),
    named.TryGetValue("proxy-pid", out var proxyPids) ? new CpuMeter(ProcessCpu.ParsePids(proxyPids)) : null,
    DatabaseCpu(),
    Rates());
return await new LoadTest(loadOptions).RunAsync();

// --rate N or --rates A,B,C: the open loop's requests a second for each page (none: the closed loop).
double[]? Rates()
{
    if (named.ContainsKey("rate") && named.ContainsKey("rates"))
    {
        throw new ArgumentException("--rate or --rates, not both.");
    }

    if (!named.TryGetValue("rates", out var list) && !named.TryGetValue("rate", out list))
    {
        return null;
    }

    var rates = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => double.Parse(r, inv)).ToArray();
    return rates.Length > 0 && rates.All(r => r > 0 && double.IsFinite(r)) ? rates : throw new ArgumentException($"--rate/--rates: requests a second above 0, not '{list}'.");
}

// --pg-backends DATABASE: the CPU of the PostgreSQL backends serving that database, looked up at each reading.
CpuMeter? DatabaseCpu() =>
    named.TryGetValue("pg-backends", out var database) ? new CpuMeter([], () => ProcessCpu.PostgresBackends(database)) : null;
