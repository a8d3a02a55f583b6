using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Catalog;
using Portal.Features.Licenses;
using Portal.Features.Usage;
using Portal.Infrastructure.Cli;

namespace Portal.Features.Integration;

/// <summary>
/// <c>dotnet run --project src/Portal -- import KIND FILE.csv</c>: the integration API's upserts fed from a
/// CSV file, for billing systems that can only export files nightly. The header row names the same
/// fields as the API's JSON (camelCase); values are invariant-culture (dot decimals, ISO dates). Each
/// row is one idempotent upsert (usage: one all-or-nothing batch per 5,000 rows), so a run can be
/// repeated after fixing the rows it reported; nothing is half-written.
/// </summary>
public static class CsvImport
{
    private const int UsageChunk = 5_000;

    private static readonly Dictionary<string, Func<IServiceProvider, IAsyncEnumerable<CsvRecord>, TextWriter, CancellationToken, Task<Report>>> Kinds = new(StringComparer.Ordinal)
    {
        ["usage"] = ImportUsageAsync,
        ["products"] = (s, csv, err, ct) => ImportRowsAsync(s, csv, err, ct, (db, time, row) =>
            CatalogApi.UpsertProductAsync(db, time, row.Text("code") ?? "", new CatalogApi.ProductInput(row.Text("name"), row.Text("description"), row.Text("category"), row.Text("unit"), row.Decimal("listPrice"), row.Text("currency"), row.Bool("active")), ct)),
        ["prices"] = (s, csv, err, ct) => ImportRowsAsync(s, csv, err, ct, (db, time, row) =>
            CatalogApi.UpsertPriceAsync(db, time, row.Text("account") ?? "", row.Text("productCode") ?? "", new CatalogApi.PriceInput(row.Decimal("unitPrice"), row.Text("currency"), row.Date("validFrom"), row.Date("validTo")), ct)),
        ["licenses"] = (s, csv, err, ct) => ImportRowsAsync(s, csv, err, ct, (db, time, row) =>
            LicensesApi.UpsertAsync(db, time, row.Text("externalId") ?? "", new LicensesApi.LicenseInput(row.Text("account"), row.Text("productCode"), row.Text("productName"), row.Text("licenseCode"), row.Int("seats"), row.Text("version"), row.Date("issuedOn"), row.Date("expiresOn"), row.Text("maintenance"), row.Date("maintenanceEndsOn")), ct)),
    };

    static CsvImport() => CoreCsvImport.Register();

    public static IReadOnlyCollection<string> KindNames => Kinds.Keys;

    /// <summary>Lets another feature add an importable kind (e.g. the core billing documents).</summary>
    public static void Register(string kind, Func<IServiceProvider, IAsyncEnumerable<CsvRecord>, TextWriter, CancellationToken, Task<Report>> import) => Kinds[kind] = import;

    public sealed record Report(int Created, int Updated, int Unchanged, int Failed);

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is not ["import", var kind, var file] || !Kinds.TryGetValue(kind, out var import))
        {
            await stderr.WriteLineAsync($"Usage: import KIND FILE.csv, where KIND is one of: {string.Join(", ", Kinds.Keys.Order(StringComparer.Ordinal))}");
            return 2;
        }

        if (!File.Exists(file))
        {
            await stderr.WriteLineAsync($"No such file: {file}");
            return 2;
        }

        using var reader = new StreamReader(file);
        Report report;
        try
        {
            report = await import(services, new CsvFile(reader).ReadAsync(), stderr, CancellationToken.None);
        }
        catch (FormatException e)
        {
            await stderr.WriteLineAsync(e.Message);
            return 1;
        }

        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{kind}: {report.Created} created, {report.Updated} updated, {report.Unchanged} already known, {report.Failed} failed"));
        return report.Failed == 0 ? 0 : 1;
    }

    private static async Task<Report> ImportRowsAsync<T>(IServiceProvider services, IAsyncEnumerable<CsvRecord> csv, TextWriter errors, CancellationToken ct, Func<PortalDb, TimeProvider, CsvRow, Task<UpsertOutcome<T>>> upsert)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        int created = 0, updated = 0, failed = 0;
        await foreach (var record in csv)
        {
            var row = new CsvRow(record);
            UpsertOutcome<T> outcome;
            try
            {
                outcome = row.ParseErrors.Any ? new UpsertOutcome<T>.Invalid(row.ParseErrors) : await upsert(db, time, row);
            }
            catch (DbUpdateException e)
            {
                outcome = new UpsertOutcome<T>.Conflict("Not saved", e.InnerException?.Message ?? e.Message);
            }

            db.ChangeTracker.Clear();
            switch (outcome)
            {
                case UpsertOutcome<T>.Created:
                    created++;
                    break;
                case UpsertOutcome<T>.Updated:
                    updated++;
                    break;
                default:
                    failed++;
                    await errors.WriteLineAsync($"line {row.Line}: {Describe(outcome)}");
                    break;
            }
        }

        return new Report(created, updated, 0, failed);
    }

    private static async Task<Report> ImportUsageAsync(IServiceProvider services, IAsyncEnumerable<CsvRecord> csv, TextWriter errors, CancellationToken ct)
    {
        int created = 0, known = 0, failed = 0;
        var chunk = new List<(int Line, UsageRecordInput Input)>(UsageChunk);
        async Task FlushAsync()
        {
            if (chunk.Count == 0)
            {
                return;
            }

            await using var scope = services.CreateAsyncScope();
            var ingest = scope.ServiceProvider.GetRequiredService<UsageIngest>();
            switch (await ingest.IngestAsync(chunk.Select(c => c.Input).ToList(), "records", ct))
            {
                case UsageIngestResult.Ingested r:
                    created += r.New;
                    known += r.AlreadyKnown;
                    break;
                case UsageIngestResult.Invalid invalid:
                    failed += chunk.Count;
                    foreach (var (field, messages) in invalid.Errors.ToDictionary())
                    {
                        await errors.WriteLineAsync($"{LineOf(field, chunk)}: {FieldOf(field)}: {string.Join(" ", messages)}");
                    }

                    await errors.WriteLineAsync($"lines {chunk[0].Line}-{chunk[^1].Line} were not imported (a batch is all or nothing).");
                    break;
            }

            chunk.Clear();
        }

        await foreach (var record in csv)
        {
            var row = new CsvRow(record);
            var input = new UsageRecordInput(row.Text("externalId"), row.Text("account"), row.Text("productCode"), row.Text("identifier"), row.Text("description"),
                row.Timestamp("occurredAt"), row.Decimal("quantity"), row.Text("unit"), row.Text("invoice"));
            if (row.ParseErrors.Any)
            {
                failed++;
                foreach (var (field, messages) in row.ParseErrors.ToDictionary())
                {
                    await errors.WriteLineAsync($"line {row.Line}: {field}: {string.Join(" ", messages)}");
                }

                continue;
            }

            chunk.Add((row.Line, input));
            if (chunk.Count == UsageChunk)
            {
                await FlushAsync();
            }
        }

        await FlushAsync();
        return new Report(created, 0, known, failed);
    }

    private static string LineOf(string field, List<(int Line, UsageRecordInput Input)> chunk)
    {
        var open = field.IndexOf('[', StringComparison.Ordinal);
        var close = field.IndexOf(']', StringComparison.Ordinal);
        return open >= 0 && close > open && int.TryParse(field.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < chunk.Count
            ? $"line {chunk[i].Line}"
            : "batch";
    }

    private static string FieldOf(string field)
    {
        var dot = field.IndexOf("].", StringComparison.Ordinal);
        return dot >= 0 ? field[(dot + 2)..] : field;
    }

    private static string Describe<T>(UpsertOutcome<T> outcome) => outcome switch
    {
        UpsertOutcome<T>.Invalid i => string.Join("; ", i.Errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
        UpsertOutcome<T>.Missing m => $"{m.What} not found: {m.Detail}",
        UpsertOutcome<T>.Conflict c => $"{c.Title}: {c.Detail}",
        _ => outcome.ToString(),
    };

    /// <summary>One CSV row with typed, invariant-culture accessors that collect parse errors by field.</summary>
    public sealed class CsvRow(CsvRecord record)
    {
        public int Line => record.Line;

        public FieldErrors ParseErrors { get; } = new();

        public string? Text(string field) => record.Fields.TryGetValue(field, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

        public decimal? Decimal(string field) => Parse(field, s => decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : (decimal?)null, "a number with a dot for decimals");

        public int? Int(string field) => Parse(field, s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null, "a whole number");

        public bool? Bool(string field) => Parse(field, s => bool.TryParse(s, out var v) ? v : (bool?)null, "true or false");

        public DateOnly? Date(string field) => Parse(field, s => DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var v) ? v : (DateOnly?)null, "a date as yyyy-MM-dd");

        public TEnum? Enum<TEnum>(string field)
            where TEnum : struct, System.Enum =>
            Parse(field, s => System.Enum.TryParse<TEnum>(s, ignoreCase: true, out var v) && !int.TryParse(s, CultureInfo.InvariantCulture, out _) ? v : (TEnum?)null, $"one of {string.Join(", ", System.Enum.GetNames<TEnum>())}");

        public DateTime? Timestamp(string field) => Parse(field, s => DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var v) ? v : (DateTime?)null, "an ISO 8601 timestamp");

        private T? Parse<T>(string field, Func<string, T?> parse, string expected)
            where T : struct
        {
            var text = Text(field);
            if (text is null)
            {
                return default;
            }

            var value = parse(text);
            if (value is null)
            {
                ParseErrors.Add(field, $"'{text}' is not {expected}.");
            }

            return value;
        }
    }
}
