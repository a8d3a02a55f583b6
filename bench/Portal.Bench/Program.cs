// The portal's benchmark: a data generator for a large operator and an HTTP load test.
//
//   dotnet run -c Release --project bench/Portal.Bench -- generate --accounts 10000 --invoices 1000000 [--db bench/out/portal.db | --provider Postgres --connection "..."] [--users-file bench/out/users.tsv] [--seed 42] [--as-of 2026-11-21] [--usage N]
//   dotnet run -c Release --project bench/Portal.Bench -- ingest --url http://127.0.0.1:5080 --api-key KEY [--batches 30] [--batch-size 10000] [--warmup 10] [--concurrency 1] [--invoice-upserts 500] [--server-pid PID]
//   dotnet run -c Release --project bench/Portal.Bench -- load --url http://127.0.0.1:5080 --users 32 --seconds 20 [--warmup 5] [--users-file bench/out/users.tsv] [--mode mix|each|both] [--pages invoices,pdf] [--server-pid PID]
//
// See docs/performance.md for the targets and the measured figures.
using System.Globalization;
using Portal.Bench.Generate;
using Portal.Bench.Load;
using Portal.Data;

var inv = CultureInfo.InvariantCulture;
if (args.Length == 0 || args[0] is not ("generate" or "load" or "ingest"))
{
    Console.Error.WriteLine("usage: Portal.Bench generate|load|ingest [options] (see the comment at the top of Program.cs)");
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

if (args[0] == "generate")
{
    var provider = Enum.Parse<DatabaseProvider>(Get("provider", "Sqlite"), ignoreCase: true);
    var connection = named.TryGetValue("connection", out var cs) ? cs
        : provider == DatabaseProvider.Sqlite ? $"Data Source={Path.GetFullPath(Get("db", "bench/out/portal.db"))}"
        : throw new ArgumentException("--connection is required with --provider Postgres.");
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
        named.TryGetValue("server-pid", out var ingestPid) ? int.Parse(ingestPid, inv) : null)).RunAsync();
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
    named.TryGetValue("server-pid", out var pid) ? int.Parse(pid, inv) : null);
return await new LoadTest(loadOptions).RunAsync();
