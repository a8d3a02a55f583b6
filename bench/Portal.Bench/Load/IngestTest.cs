using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Portal.Bench.Load;

internal sealed record IngestOptions(Uri Url, string ApiKey, string UsersFile, int Batches, int BatchSize, int WarmupBatches, int Concurrency, int InvoiceUpserts, CpuMeter Server, CpuMeter? Database = null);

/// <summary>
/// Bulk usage ingest through the integration API (<c>POST /api/v1/usage</c>): batches of new records
/// for the generated accounts, warm-up batches (the server's JIT compiles its hot paths again at tier 1
/// during the first seconds; a long-running portal has done that), then records per second over the
/// measured batches and the latency of a batch.
/// </summary>
internal sealed class IngestTest(IngestOptions options)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly (string Code, string Unit)[] Products =
        [("GEN-56KW", "hour"), ("FUEL-DSL", "gal"), ("LIFT-45", "day"), ("COMP-185", "hour"), ("SVC-HR", "hour")];

    public async Task<int> RunAsync()
    {
        if (!options.Url.IsLoopback)
        {
            Console.Error.WriteLine("Only a loopback target (127.0.0.1, ::1, localhost) may be loaded.");
            return 2;
        }

        var accounts = File.ReadLines(options.UsersFile).Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => "ACC-" + l.Split('\t')[1]).Distinct().Take(2_000).ToArray();
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = options.Url,
            Timeout = TimeSpan.FromMinutes(2),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);

        // A run id keeps external ids new on every run, so every record is really inserted.
        var run = DateTime.UtcNow.ToString("yyyyMMddHHmmss", Inv);
        var random = new Random(7);
        var now = DateTime.UtcNow;
        object Batch(int b) => new
        {
            records = Enumerable.Range(0, options.BatchSize).Select(i => new
            {
                externalId = $"BENCH-{run}-{b:D5}-{i:D5}",
                account = accounts[random.Next(accounts.Length)],
                productCode = Products[i % Products.Length].Code,
                identifier = $"METER-{random.Next(100_000):D5}",
                description = "Bench meter reading",
                occurredAt = now.AddMinutes(-random.Next(60 * 24 * 30)),
                quantity = Math.Round((decimal)random.NextDouble() * 50m, 2),
                unit = Products[i % Products.Length].Unit,
            }).ToArray(),
        };

        // Bodies are built before the clock starts: the figure is the server's, not this generator's.
        var warmup = Math.Max(1, options.WarmupBatches);
        var bodies = Enumerable.Range(0, options.Batches + warmup).Select(b => JsonContent.Create(Batch(b))).ToArray();
        foreach (var body in bodies)
        {
            await body.LoadIntoBufferAsync();
        }

        for (var b = 0; b < warmup; b++)
        {
            await PostAsync(client, bodies[b]);
        }

        var latencies = new List<double>();
        var cpuBefore = options.Server.Read();
        var databaseBefore = options.Database?.Read();
        var stopwatch = Stopwatch.StartNew();
        var next = warmup - 1;
        var workers = Enumerable.Range(0, options.Concurrency).Select(async _ =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < bodies.Length)
            {
                var started = Stopwatch.GetTimestamp();
                await PostAsync(client, bodies[b]);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (latencies)
                {
                    latencies.Add(ms);
                }
            }
        });
        await Task.WhenAll(workers);
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        var cpu = options.Server.Since(cpuBefore);
        var databaseCpu = databaseBefore is null ? (TimeSpan?)null : options.Database!.Since(databaseBefore);
        latencies.Sort();
        var records = (long)options.Batches * options.BatchSize;
        var text = new StringBuilder();
        text.AppendLine(Inv, $"Run at {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC against {options.Url}: {options.Batches} batches of {options.BatchSize:N0} new usage records, {options.Concurrency} at a time, after {warmup} warm-up batches.");
        text.AppendLine();
        var databaseColumn = databaseBefore is null ? "" : " PostgreSQL CPU s |";
        text.AppendLine("| endpoint | records | seconds | records/s | batch p50 ms | batch p99 ms | batch max ms | server CPU s | records/s per server CPU second |" + databaseColumn);
        text.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|" + (databaseBefore is null ? "" : "--:|"));
        var perCpu = cpu > TimeSpan.Zero ? (records / cpu.TotalSeconds).ToString("N0", Inv) : "";
        var databaseCell = databaseCpu is { } d ? string.Create(Inv, $" {d.TotalSeconds:F1} |") : "";
        text.AppendLine(Inv, $"| `POST /api/v1/usage` | {records:N0} | {elapsed:F1} | {records / elapsed:N0} | {Percentile(latencies, 0.5):F0} | {Percentile(latencies, 0.99):F0} | {latencies[^1]:F0} | {cpu.TotalSeconds:F1} | {perCpu} |{databaseCell}");
        if (options.InvoiceUpserts > 0)
        {
            text.AppendLine();
            text.Append(await UpsertInvoicesAsync(client, accounts, run));
        }

        Console.Write(text.ToString());
        return 0;
    }

    // One at a time, as a billing system's sync sends them: half create an invoice, half change one
    // created earlier in the run (new lines, so totals and the open amount are recomputed).
    private async Task<string> UpsertInvoicesAsync(HttpClient client, string[] accounts, string run)
    {
        var random = new Random(11);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var created = new List<(string ExternalId, string Account, string Number)>();
        var latencies = new List<double>();
        var errors = 0;
        IReadOnlyDictionary<int, TimeSpan> cpuBefore = new Dictionary<int, TimeSpan>();
        IReadOnlyDictionary<int, TimeSpan>? databaseBefore = null;
        for (var n = 0; n < options.InvoiceUpserts + 20; n++)
        {
            var update = created.Count > 0 && random.Next(2) == 0;
            var (externalId, account, number) = update
                ? created[random.Next(created.Count)]
                : ($"BENCH-INV-{run}-{n:D6}", accounts[random.Next(accounts.Length)], $"B{run}-{n:D6}");
            var body = JsonContent.Create(new
            {
                account,
                number,
                issueDate = today.AddDays(-random.Next(30)).ToString("yyyy-MM-dd", Inv),
                dueDate = today.AddDays(30).ToString("yyyy-MM-dd", Inv),
                currency = "USD",
                purchaseOrder = $"PO-{random.Next(10_000, 99_999)}",
                lines = Enumerable.Range(0, 1 + random.Next(5)).Select(l => new
                {
                    productCode = Products[l % Products.Length].Code,
                    description = "Bench line",
                    quantity = 1 + random.Next(9),
                    unit = Products[l % Products.Length].Unit,
                    unitPrice = Math.Round(10m + (decimal)random.NextDouble() * 500m, 2),
                    taxAmount = 1.25m,
                }).ToArray(),
            });
            await body.LoadIntoBufferAsync();
            if (n == 20)
            {
                cpuBefore = options.Server.Read();
                databaseBefore = options.Database?.Read();
            }

            var started = Stopwatch.GetTimestamp();
            using var response = await client.PutAsync(new Uri($"/api/v1/invoices/{externalId}", UriKind.Relative), body);
            await response.Content.ReadAsByteArrayAsync();
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (n == 0 && (int)response.StatusCode is 404 or 405)
            {
                return "Invoice upsert: `PUT /api/v1/invoices/{externalId}` is not on this portal; not measured.\n";
            }

            if (!response.IsSuccessStatusCode)
            {
                if (errors++ == 0)
                {
                    Console.Error.WriteLine($"PUT /api/v1/invoices/{externalId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
            else if (!update)
            {
                created.Add((externalId, account, number));
            }

            // The first 20 warm up (JIT, caches) and are not counted.
            if (n >= 20)
            {
                latencies.Add(ms);
            }
        }

        var cpu = options.Server.Since(cpuBefore);
        var perRequest = options.Server.Any ? (cpu.TotalMilliseconds / latencies.Count).ToString("F2", Inv) : "";
        latencies.Sort();
        var databaseHeader = databaseBefore is null ? "" : " PostgreSQL CPU ms/request |";
        var databaseCell = databaseBefore is null ? "" : string.Create(Inv, $" {options.Database!.Since(databaseBefore).TotalMilliseconds / latencies.Count:F2} |");
        return "| endpoint | requests | p50 ms | p99 ms | max ms | errors | server CPU ms/request |" + databaseHeader + "\n|---|--:|--:|--:|--:|--:|--:|" + (databaseBefore is null ? "" : "--:|") + "\n"
            + string.Create(Inv, $"| `PUT /api/v1/invoices/{{externalId}}` (half create, half update; 1-5 lines) | {latencies.Count:N0} | {Percentile(latencies, 0.5):F2} | {Percentile(latencies, 0.99):F2} | {latencies[^1]:F2} | {errors} | {perRequest} |") + databaseCell + "\n";
    }

    private static async Task PostAsync(HttpClient client, HttpContent body)
    {
        using var response = await client.PostAsync(new Uri("/api/v1/usage", UriKind.Relative), body);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /api/v1/usage answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
