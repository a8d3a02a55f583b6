using System.Data.Common;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Portal.Data;
using Portal.Features.Integration;

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

    public sealed record Invalid(FieldErrors Errors) : UsageIngestResult;
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
        ["AccountId", "ExternalId", "ProductCode", "Identifier", "Description", "OccurredAt", "Quantity", "Unit", "InvoiceId", "CreatedAt"];

    public async Task<UsageIngestResult> IngestAsync(IReadOnlyList<UsageRecordInput>? records, string field = "records", CancellationToken ct = default)
    {
        var errors = new FieldErrors();
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
        var accountIds = await LookupAsync(records.Select(r => r.Account), ids => db.Accounts.Where(a => ids.Contains(a.ExternalId)).Select(a => new { a.ExternalId, a.Id }).ToDictionaryAsync(a => a.ExternalId, a => a.Id, ct));
        var invoices = await LookupAsync(records.Select(r => r.Invoice), ids => db.Invoices.Where(i => ids.Contains(i.ExternalId)).Select(i => new { i.ExternalId, i.Id, i.AccountId }).ToDictionaryAsync(i => i.ExternalId, i => (i.Id, i.AccountId), ct));

        var rows = new List<Row>(records.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            var at = $"{field}[{i}]";
            if (r is null)
            {
                errors.Add(at, "A record is required.");
                continue;
            }

            var ok = errors.Text($"{at}.externalId", r.ExternalId, 100);
            if (ok && !seen.Add(r.ExternalId!))
            {
                errors.Add($"{at}.externalId", "Appears more than once in this batch.");
                ok = false;
            }

            long accountId = 0;
            if (errors.Text($"{at}.account", r.Account, 100) && !accountIds.TryGetValue(r.Account!, out accountId))
            {
                errors.Add($"{at}.account", $"No account has externalId '{r.Account}'.");
                ok = false;
            }

            ok &= errors.Text($"{at}.productCode", r.ProductCode, 50);
            ok &= errors.Text($"{at}.identifier", r.Identifier, 100, required: false);
            ok &= errors.Text($"{at}.description", r.Description, 300, required: false);
            ok &= errors.Text($"{at}.unit", r.Unit, 20);
            ok &= errors.Number($"{at}.quantity", r.Quantity);
            if (r.OccurredAt is null)
            {
                errors.Add($"{at}.occurredAt", "Required.");
                ok = false;
            }
            else if (r.OccurredAt.Value.ToUniversalTime() > now.AddDays(1))
            {
                errors.Add($"{at}.occurredAt", "Must not be in the future.");
                ok = false;
            }

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
                rows.Add(new Row(accountId, r.ExternalId!, r.ProductCode!, Blank(r.Identifier), Blank(r.Description),
                    r.OccurredAt!.Value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(r.OccurredAt.Value, DateTimeKind.Utc) : r.OccurredAt.Value.ToUniversalTime(),
                    r.Quantity!.Value, r.Unit!, invoiceId, now));
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
            var count = db.Database.IsNpgsql() ? await InsertPostgresAsync(rows, ct) : await InsertSqliteAsync(rows, ct);
            await tx.CommitAsync(ct);
            return count;
        });
        return new UsageIngestResult.Ingested(inserted, rows.Count - inserted);
    }

    // Rows go in 100 at a time: one multi-row INSERT per chunk, prepared once, so the per-statement
    // cost is paid a hundredth as often (SQLite allows 32,766 parameters; this uses 1,000).
    private const int RowsPerStatement = 100;

    private async Task<int> InsertSqliteAsync(List<Row> rows, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        var inserted = 0;
        DbCommand? full = null;
        try
        {
            for (var offset = 0; offset < rows.Count; offset += RowsPerStatement)
            {
                var count = Math.Min(RowsPerStatement, rows.Count - offset);
                var command = count == RowsPerStatement
                    ? full ??= await PrepareAsync(connection, transaction, RowsPerStatement, ct)
                    : await PrepareAsync(connection, transaction, count, ct);
                for (var i = 0; i < count; i++)
                {
                    var row = rows[offset + i];
                    var p = i * Columns.Length;
                    command.Parameters[p].Value = row.AccountId;
                    command.Parameters[p + 1].Value = row.ExternalId;
                    command.Parameters[p + 2].Value = row.ProductCode;
                    command.Parameters[p + 3].Value = (object?)row.Identifier ?? DBNull.Value;
                    command.Parameters[p + 4].Value = (object?)row.Description ?? DBNull.Value;
                    command.Parameters[p + 5].Value = SqliteTimestamp(row.OccurredAt);
                    command.Parameters[p + 6].Value = FixedPointConverter.ToStored(row.Quantity);
                    command.Parameters[p + 7].Value = row.Unit;
                    command.Parameters[p + 8].Value = (object?)row.InvoiceId ?? DBNull.Value;
                    command.Parameters[p + 9].Value = SqliteTimestamp(row.CreatedAt);
                }

                inserted += await command.ExecuteNonQueryAsync(ct);
                if (!ReferenceEquals(command, full))
                {
                    await command.DisposeAsync();
                }
            }
        }
        finally
        {
            if (full is not null)
            {
                await full.DisposeAsync();
            }
        }

        return inserted;
    }

    private static async Task<DbCommand> PrepareAsync(DbConnection connection, DbTransaction transaction, int rowCount, CancellationToken ct)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        var values = string.Join(", ", Enumerable.Range(0, rowCount).Select(r => "(" + string.Join(", ", Columns.Select((_, c) => $"$p{(r * Columns.Length) + c}")) + ")"));
        command.CommandText = $"INSERT INTO \"UsageRecords\" ({string.Join(", ", Columns.Select(c => $"\"{c}\""))}) VALUES {values} ON CONFLICT(\"ExternalId\") DO NOTHING";
        for (var i = 0; i < rowCount * Columns.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"$p{i}";
            command.Parameters.Add(parameter);
        }

        await command.PrepareAsync(ct);
        return command;
    }

    // One statement per batch: the rows travel as arrays and unnest() turns them back into rows.
    private async Task<int> InsertPostgresAsync(List<Row> rows, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var command = new NpgsqlCommand(
            $"INSERT INTO \"UsageRecords\" ({string.Join(", ", Columns.Select(c => $"\"{c}\""))}) " +
            "SELECT * FROM unnest(@a, @e, @p, @i, @d, @o, @q, @u, @inv, @c) ON CONFLICT (\"ExternalId\") DO NOTHING",
            connection,
            (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction());
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
        return await command.ExecuteNonQueryAsync(ct);
    }

    // The text form EF Core's SQLite provider writes for DateTime, so that EF reads and compares these rows
    // exactly like the ones it wrote itself.
    private static string SqliteTimestamp(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static async Task<Dictionary<string, T>> LookupAsync<T>(IEnumerable<string?> keys, Func<List<string>, Task<Dictionary<string, T>>> query)
    {
        var distinct = keys.OfType<string>().Where(k => k.Length is > 0 and <= 100).Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 0 ? new Dictionary<string, T>(StringComparer.Ordinal) : await query(distinct);
    }

    private sealed record Row(long AccountId, string ExternalId, string ProductCode, string? Identifier, string? Description, DateTime OccurredAt, decimal Quantity, string Unit, long? InvoiceId, DateTime CreatedAt);
}
