using System.Globalization;
using Portal.Features.Catalog;
using Portal.Features.Licenses;
using Portal.Features.Usage;
using Portal.Infrastructure.Api;
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
        ["products"] = (s, csv, err, ct) => ImportDocumentsAsync<CatalogApi.ProductResponse>(s, csv, err, single: true, ct, rows =>
        {
            var r = rows[0];
            var input = new CatalogApi.ProductInput(r.Text("name"), r.Text("description"), r.Text("category"), r.Text("unit"), r.Decimal("listPrice"), r.Text("currency"), r.Bool("active"));
            return sp => CatalogApi.UpsertProductAsync(UpsertServices.From(sp), r.Text("code") ?? "", input, ct);
        }),
        ["prices"] = (s, csv, err, ct) => ImportDocumentsAsync<CatalogApi.PriceResponse>(s, csv, err, single: true, ct, rows =>
        {
            var r = rows[0];
            var input = new CatalogApi.PriceInput(r.Decimal("unitPrice"), r.Text("currency"), r.Date("validFrom"), r.Date("validTo"));
            return sp => CatalogApi.UpsertPriceAsync(UpsertServices.From(sp), r.Text("account") ?? "", r.Text("productCode") ?? "", input, ct);
        }),
        ["licenses"] = (s, csv, err, ct) => ImportDocumentsAsync<LicensesApi.LicenseResponse>(s, csv, err, single: true, ct, rows =>
        {
            var r = rows[0];
            var input = new LicensesApi.LicenseInput(r.Text("account"), r.Text("productCode"), r.Text("productName"), r.Text("licenseCode"), r.Int("seats"), r.Text("version"), r.Date("issuedOn"), r.Date("expiresOn"), r.Text("maintenance"), r.Date("maintenanceEndsOn"));
            return sp => LicensesApi.UpsertAsync(UpsertServices.From(sp), r.Text("externalId") ?? "", input, ct);
        }),
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

    /// <summary>
    /// Runs one upsert per document and reads its outcome (never an HTTP status): a document is one row
    /// (<paramref name="single"/>) or several consecutive rows with the same externalId. <paramref name="read"/>
    /// turns the rows into the request and returns the upsert to run; a value that does not parse fails the
    /// document before anything is written. A scope per document: one unit of work, nothing tracked from
    /// the previous one.
    /// </summary>
    public static async Task<Report> ImportDocumentsAsync<T>(
        IServiceProvider services, IAsyncEnumerable<CsvRecord> csv, TextWriter errors, bool single, CancellationToken ct,
        Func<IReadOnlyList<CsvRow>, Func<IServiceProvider, Task<UpsertOutcome<T>>>> read)
    {
        int created = 0, updated = 0, failed = 0;
        var group = new List<CsvRow>();

        async Task FlushAsync()
        {
            if (group.Count == 0)
            {
                return;
            }

            var lines = group.Count == 1 ? $"line {group[0].Line}" : $"lines {group[0].Line}-{group[^1].Line}";
            var upsert = read(group);
            var parseErrors = group.SelectMany(r => r.ParseErrors.ToDictionary().Select(e => $"line {r.Line}: {e.Key}: {string.Join(" ", e.Value)}")).ToList();
            if (parseErrors.Count > 0)
            {
                failed++;
                foreach (var e in parseErrors)
                {
                    await errors.WriteLineAsync(e);
                }
            }
            else
            {
                await using var scope = services.CreateAsyncScope();
                var outcome = await upsert(scope.ServiceProvider);
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
                        await errors.WriteLineAsync($"{lines}: {outcome.Describe()}");
                        break;
                }
            }

            group.Clear();
        }

        await foreach (var record in csv)
        {
            var row = new CsvRow(record);
            if (single || (group.Count > 0 && !string.Equals(group[0].Text("externalId"), row.Text("externalId"), StringComparison.Ordinal)))
            {
                await FlushAsync();
            }

            group.Add(row);
        }

        await FlushAsync();
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

    /// <summary>One CSV row with typed, invariant-culture accessors that collect parse errors by field.</summary>
    public sealed class CsvRow(CsvRecord record)
    {
        public int Line => record.Line;

        public ApiErrors ParseErrors { get; } = new();

        public string? Text(string field) => record.Fields.TryGetValue(field, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

        public decimal? Decimal(string field) => Parse(field, s => decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : (decimal?)null, "a number with a dot for decimals");

        public int? Int(string field) => Parse(field, s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null, "a whole number");

        public bool? Bool(string field) => Parse(field, s => bool.TryParse(s, out var v) ? v : (bool?)null, "true or false");

        public DateOnly? Date(string field) => Parse(field, s => DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var v) ? v : (DateOnly?)null, "a date as yyyy-MM-dd");

        public TEnum? Enum<TEnum>(string field)
            where TEnum : struct, System.Enum =>
            Parse(field, s => ApiEnums.TryParse<TEnum>(s, out var v) ? v : (TEnum?)null, ApiEnums.Allowed(typeof(TEnum)).Replace("One of:", "one of", StringComparison.Ordinal).TrimEnd('.'));

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
