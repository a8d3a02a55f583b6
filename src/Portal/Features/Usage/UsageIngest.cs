using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Portal.Data;
using Portal.Infrastructure.Api;

namespace Portal.Features.Usage;

/// <summary>One usage record as the billing system sends it.</summary>
public sealed record UsageRecordInput(
    string? ExternalId,
    string? Account,
    string? ProductCode,
    string? Identifier,
    string? Description,
    DateTime? OccurredAt,
    decimal? Quantity,
    string? Unit,
    string? Invoice);

public abstract record UsageIngestResult
{
    public sealed record Ingested(int New, int AlreadyKnown) : UsageIngestResult;

    public sealed record Invalid(ApiErrors Errors) : UsageIngestResult;
}

/// <summary>
/// Bulk usage ingest, shared by the API and the CSV import. A batch is validated whole, then written
/// in one transaction with a prepared insert that skips records already known by external id, so
/// re-sending a batch changes nothing and reports every record as already known. EF change tracking
/// is bypassed on purpose: at tens of thousands of records per second it would be the bottleneck.
/// </summary>
public sealed class UsageIngest(PortalDb db, TimeProvider time)
{
    public const int MaxBatch = 10_000;

    private static readonly string[] Columns =
        ["Month", "AccountId", "ExternalId", "ProductCode", "Identifier", "Description", "OccurredAt", "Quantity", "Unit", "InvoiceId", "CreatedAt"];

    private static readonly string InsertInto = $"INSERT INTO \"UsageRecords\" ({string.Join(", ", Columns.Select(c => $"\"{c}\""))}) ";

    public async Task<UsageIngestResult> IngestAsync(IReadOnlyList<UsageRecordInput>? records, string field = "records", CancellationToken ct = default)
    {
        var errors = new ApiErrors();
        if (records is null || records.Count == 0)
        {
            errors.Add(field, "At least one record is required.");
            return new UsageIngestResult.Invalid(errors);
        }

        if (records.Count > MaxBatch)
        {
            errors.Add(field, $"At most {MaxBatch} records per batch.");
            return new UsageIngestResult.Invalid(errors);
        }

        var now = time.GetUtcNow().UtcDateTime;

        // Thousands of external ids go as one JSON parameter (EF.Parameter). EF 10's default, one SQL
        // parameter per value, made a new statement (and a newly compiled query) for every count of
        // distinct ids and spent longer binding them by name than the lookup itself took.
        var accountIds = await LookupAsync(records.Select(r => r?.Account), ids => db.Accounts.Where(a => EF.Parameter(ids).Contains(a.ExternalId)).Select(a => new { a.ExternalId, a.Id }).ToDictionaryAsync(a => a.ExternalId, a => a.Id, ct));
        var invoices = await LookupAsync(records.Select(r => r?.Invoice), ids => db.Invoices.Where(i => EF.Parameter(ids).Contains(i.ExternalId)).Select(i => new { i.ExternalId, i.Id, i.AccountId }).ToDictionaryAsync(i => i.ExternalId, i => (i.Id, i.AccountId), ct));

        var rows = new List<Row>(records.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            var at = $"{field}[{i}]";
            if (r is null)
            {
                errors.Add(at, "An item cannot be null.");
                continue;
            }

            var before = errors.Count;
            var externalId = errors.Text($"{at}.externalId", r.ExternalId, 100, required: true);
            if (externalId is not null && errors.Count == before && !seen.Add(externalId))
            {
                errors.Add($"{at}.externalId", "Appears more than once in this batch.");
            }

            long accountId = 0;
            var accountBefore = errors.Count;
            var account = errors.Text($"{at}.account", r.Account, 100, required: true);
            if (account is not null && errors.Count == accountBefore && !accountIds.TryGetValue(account, out accountId))
            {
                errors.Add($"{at}.account", $"No account has externalId '{account}'.");
            }

            var productCode = errors.Text($"{at}.productCode", r.ProductCode, 50, required: true);
            var identifier = errors.Text($"{at}.identifier", r.Identifier, 100);
            var description = errors.Text($"{at}.description", r.Description, 300);
            var unit = errors.Text($"{at}.unit", r.Unit, 20, required: true);
            var quantity = errors.Precise($"{at}.quantity", r.Quantity, nonNegative: true);
            if (r.OccurredAt is null)
            {
                errors.Add($"{at}.occurredAt", ApiErrors.RequiredMessage);
            }
            else if (r.OccurredAt.Value.ToUniversalTime() > now.AddDays(1))
            {
                errors.Add($"{at}.occurredAt", "Must not be in the future.");
            }

            var ok = errors.Count == before;
            long? invoiceId = null;
            if (!string.IsNullOrEmpty(r.Invoice))
            {
                if (!invoices.TryGetValue(r.Invoice, out var invoice))
                {
                    errors.Add($"{at}.invoice", $"No invoice has externalId '{r.Invoice}'.");
                    ok = false;
                }
                else if (invoice.AccountId != accountId)
                {
                    errors.Add($"{at}.invoice", "The invoice belongs to another account.");
                    ok = false;
                }
                else
                {
                    invoiceId = invoice.Id;
                }
            }

            if (ok)
            {
                rows.Add(new Row(accountId, externalId!, productCode!, identifier, description,
                    r.OccurredAt!.Value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(r.OccurredAt.Value, DateTimeKind.Utc) : r.OccurredAt.Value.ToUniversalTime(),
                    quantity, unit!, invoiceId, now));
            }
        }

        if (errors.Any)
        {
            return new UsageIngestResult.Invalid(errors);
        }

        var strategy = db.Database.CreateExecutionStrategy();
        var inserted = await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // The accounts' daily rollup is kept in the same transaction (UsageRollup): locked first, so a
            // rebuild of one of these accounts either sees this batch or waits for it.
            var zones = await UsageRollup.LockAccountsAsync(db, rows.Select(r => r.AccountId), ct);
            var inserted = db.Database.IsNpgsql() ? await InsertPostgresAsync(rows, ct) : InsertSqlite(rows);
            await UsageRollup.AddAsync(
                db,
                inserted.Select(r => new UsageRollup.Contribution(r.AccountId, r.OccurredAt, r.ProductCode, r.Unit, r.Identifier, r.InvoiceId is not null, r.Quantity)),
                zones,
                ct);
            await tx.CommitAsync(ct);
            return inserted.Count;
        });
        return new UsageIngestResult.Ingested(inserted, rows.Count - inserted);
    }

    // One prepared single-row INSERT, executed once per record, synchronously (SQLite does no I/O
    // asynchronously). Measured against the alternatives (docs/performance.md): a multi-row INSERT
    // with 1,100 parameters lost most of its time in Microsoft.Data.Sqlite, which binds every
    // parameter by name through a linear search in SQLite (quadratic per statement), and one
    // INSERT ... SELECT FROM json_each() re-parsed each row's JSON for every column.
    private static readonly string SqliteInsert =
        InsertInto + $"VALUES ({string.Join(", ", Columns.Select((_, i) => $"$p{i}"))}) ON CONFLICT(\"ExternalId\") DO NOTHING";

    // 64 MB of page cache for the connection that ingests (SQLite's default is 2 MB): the index pages
    // of the last month or two stay in memory between batches instead of being read again.
    private const string SqliteIngestCache = "PRAGMA cache_size=-65536;";

    /// <summary>Inserts the rows not already known by external id; returns those it inserted.</summary>
    private List<Row> InsertSqlite(List<Row> rows)
    {
        var connection = db.Database.GetDbConnection();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = SqliteIngestCache;
            pragma.ExecuteNonQuery();
        }

        using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = SqliteInsert;
        var p = new DbParameter[Columns.Length];
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = command.CreateParameter();
            p[i].ParameterName = $"$p{i}";
            command.Parameters.Add(p[i]);
        }

        command.Prepare();
        var inserted = new List<Row>(rows.Count);
        foreach (var row in rows)
        {
            // In the order of Columns.
            p[0].Value = UsageRecord.MonthOf(row.OccurredAt);
            p[1].Value = row.AccountId;
            p[2].Value = row.ExternalId;
            p[3].Value = row.ProductCode;
            p[4].Value = (object?)row.Identifier ?? DBNull.Value;
            p[5].Value = (object?)row.Description ?? DBNull.Value;
            p[6].Value = SqliteTimestamp(row.OccurredAt);
            p[7].Value = FixedPointConverter.ToStored(row.Quantity);
            p[8].Value = row.Unit;
            p[9].Value = (object?)row.InvoiceId ?? DBNull.Value;
            p[10].Value = SqliteTimestamp(row.CreatedAt);
            if (command.ExecuteNonQuery() == 1)
            {
                inserted.Add(row);
            }
        }

        return inserted;
    }

    // One statement per batch: the rows travel as arrays and unnest() turns them back into rows.
    private async Task<List<Row>> InsertPostgresAsync(List<Row> rows, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = new NpgsqlCommand(
            InsertInto + "SELECT * FROM unnest(@m, @a, @e, @p, @i, @d, @o, @q, @u, @inv, @c) ON CONFLICT (\"ExternalId\") DO NOTHING RETURNING \"ExternalId\"",
            connection,
            (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction());
        command.Parameters.Add(new NpgsqlParameter("m", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = rows.Select(r => UsageRecord.MonthOf(r.OccurredAt)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("a", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = rows.Select(r => r.AccountId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("e", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = rows.Select(r => r.ExternalId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("p", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = rows.Select(r => r.ProductCode).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("i", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = rows.Select(r => r.Identifier).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("d", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = rows.Select(r => r.Description).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("o", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = rows.Select(r => r.OccurredAt).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("q", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = rows.Select(r => FixedPointConverter.ToStored(r.Quantity)).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("u", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = rows.Select(r => r.Unit).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("inv", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = rows.Select(r => r.InvoiceId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("c", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = rows.Select(r => r.CreatedAt).ToArray() });
        var insertedIds = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                insertedIds.Add(reader.GetString(0));
            }
        }

        return rows.Where(r => insertedIds.Contains(r.ExternalId)).ToList();
    }

    // The text form EF Core's SQLite provider writes for DateTime, so that EF reads and compares these rows
    // exactly like the ones it wrote itself.
    private static string SqliteTimestamp(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);


    private static async Task<Dictionary<string, T>> LookupAsync<T>(IEnumerable<string?> keys, Func<List<string>, Task<Dictionary<string, T>>> query)
    {
        var distinct = keys.OfType<string>().Where(k => k.Length is > 0 and <= 100).Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 0 ? new Dictionary<string, T>(StringComparer.Ordinal) : await query(distinct);
    }

    private sealed record Row(long AccountId, string ExternalId, string ProductCode, string? Identifier, string? Description, DateTime OccurredAt, decimal Quantity, string Unit, long? InvoiceId, DateTime CreatedAt);
}
