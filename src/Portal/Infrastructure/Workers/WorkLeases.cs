using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Portal.Data;

namespace Portal.Infrastructure.Workers;

/// <summary>
/// How every background worker takes rows to work on, so that several instances can run the same worker
/// at once: one statement claims up to N due rows by moving their <see cref="ILeasedWork.NextAttemptAt"/>
/// to the end of a lease and returns the ids it moved (<c>UPDATE ... WHERE id IN (due ...) AND
/// NextAttemptAt &lt;= now RETURNING id</c>, the same text on SQLite and PostgreSQL). A row another
/// instance claimed a moment earlier no longer passes <c>NextAttemptAt &lt;= now</c> (PostgreSQL
/// re-checks it on the locked row), so no row is claimed twice; a crashed worker's claim simply runs
/// out. The worker finishes each row with a write guarded by <c>NextAttemptAt = lease</c>, and hands
/// back what it did not start (<see cref="LeaseClaim{T}.DisposeAsync"/>) when it is stopped.
/// </summary>
public sealed class WorkLeases(TimeProvider time, ILogger<WorkLeases> logger)
{
    // A count of the backlog reads every due row: often enough for a dashboard, rarely enough to cost nothing.
    private static readonly TimeSpan BacklogEvery = TimeSpan.FromSeconds(15);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTime> _backlogCounted = new(StringComparer.Ordinal);

    /// <summary>The workers' clock: UTC floored to the millisecond (<see cref="WorkerTime"/>).</summary>
    public DateTime Now() => WorkerTime.Floor(time.GetUtcNow().UtcDateTime);

    /// <summary>
    /// Claims up to <paramref name="count"/> rows of <paramref name="eligible"/> that are due now, oldest
    /// first, for <paramref name="leaseFor"/>. <paramref name="eligible"/> filters by state only; the
    /// due time and the order are added here.
    /// </summary>
    public async Task<LeaseClaim<T>> ClaimAsync<T>(PortalDb db, IQueryable<T> eligible, int count, TimeSpan leaseFor, CancellationToken ct)
        where T : class, ILeasedWork
    {
        var now = Now();
        var lease = WorkerTime.Floor(now + leaseFor);
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var nextProperty = entity.FindProperty(nameof(ILeasedWork.NextAttemptAt))!;
        var id = sql.DelimitIdentifier(entity.FindProperty(nameof(ILeasedWork.Id))!.GetColumnName(table)!);
        var next = sql.DelimitIdentifier(nextProperty.GetColumnName(table)!);
        var mapping = nextProperty.GetRelationalTypeMapping();

        var due = eligible
            .Where(x => x.NextAttemptAt <= now)
            .OrderBy(x => x.NextAttemptAt).ThenBy(x => x.Id)
            .Select(x => x.Id)
            .Take(count);

        var ids = new List<long>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // The due query as EF writes it (joins, head-of-line subqueries and its parameters), wrapped
            // in the claiming UPDATE.
            await using var command = due.CreateDbCommand();
            if (db.Database.IsNpgsql())
            {
                // PostgreSQL re-checks only the updated row's own condition (NextAttemptAt <= now) when a row it waited
                // for changed, never the subquery's state filter: a row another instance claimed, sent and finished
                // (NextAttemptAt = its "now") could pass again when the two clocks differ, and be sent twice. Locking
                // the due rows in the subquery, skipping those another claim holds, re-checks the state filter on
                // the newest version of each row instead.
                var alias = System.Text.RegularExpressions.Regex.Match(
                    command.CommandText, "FROM " + System.Text.RegularExpressions.Regex.Escape(sql.DelimitIdentifier(table.Name, table.Schema)) + @" AS (\w+)");
                if (!alias.Success)
                {
                    throw new InvalidOperationException($"The due query of {typeof(T).Name} does not name its table's alias: {command.CommandText}");
                }

                command.CommandText += $" FOR UPDATE OF {alias.Groups[1].Value} SKIP LOCKED";
            }

            command.CommandText =
                $"UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)} SET {next} = {sql.GenerateParameterNamePlaceholder("lease_until")} " +
                $"WHERE {id} IN ({command.CommandText}) AND {next} <= {sql.GenerateParameterNamePlaceholder("lease_now")} RETURNING {id}";
            command.Parameters.Add(mapping.CreateParameter(command, sql.GenerateParameterName("lease_until"), lease));
            command.Parameters.Add(mapping.CreateParameter(command, sql.GenerateParameterName("lease_now"), now));
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            await using DbDataReader reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetInt64(0));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        ids.Sort();
        return new LeaseClaim<T>(this, db, ids, lease, logger);
    }

    /// <summary>
    /// Counts the rows of <paramref name="eligible"/> due now for the backlog gauge, and how long the oldest of
    /// them has waited for the lag gauge, at most every 15 seconds per worker. The lag is what an operator
    /// alerts on: a backlog of thousands that moves is fine, one e-mail waiting for ten minutes is not.
    /// </summary>
    public async Task ReportBacklogAsync<T>(string worker, IQueryable<T> eligible, CancellationToken ct)
        where T : class, ILeasedWork
    {
        var now = Now();
        if (_backlogCounted.TryGetValue(worker, out var last) && now - last < BacklogEvery)
        {
            return;
        }

        _backlogCounted[worker] = now;
        var due = await eligible.CountAsync(x => x.NextAttemptAt <= now, ct);
        var oldest = due == 0 ? null : await eligible.Where(x => x.NextAttemptAt <= now).MinAsync(x => (DateTime?)x.NextAttemptAt, ct);
        Telemetry.PortalMetrics.SetBacklog(worker, due, oldest is { } since ? (now - since).TotalSeconds : 0);
    }

    /// <summary>Hands rows back: due again at once, unless their lease has already changed hands.</summary>
    internal Task<int> ReleaseAsync<T>(PortalDb db, IReadOnlyCollection<long> ids, DateTime lease, CancellationToken ct)
        where T : class, ILeasedWork
    {
        if (ids.Count == 0)
        {
            return Task.FromResult(0);
        }

        var now = Now();
        return db.Set<T>()
            .Where(x => ids.Contains(x.Id) && x.NextAttemptAt == lease)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.NextAttemptAt, now), ct);
    }
}
