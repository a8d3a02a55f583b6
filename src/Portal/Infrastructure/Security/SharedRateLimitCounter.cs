using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Infrastructure.Security;

/// <summary>
/// A fixed-window counter in the database, so that every instance behind the load balancer counts the
/// same attempts (docs/decisions/0017). Each attempt is one atomic upsert on the partition's row: it
/// starts a new window when the old one has run out, else adds one, and returns the count and the
/// window's start. The window starts with a partition's first attempt, as ASP.NET's fixed-window
/// limiter does, so that a burst is never split by a clock-aligned boundary.
/// </summary>
public sealed class SharedRateLimitCounter(TimeProvider time)
{
    private long _purgedAt;

    /// <summary>Counts one attempt in <paramref name="key"/>'s window of <paramref name="window"/>.</summary>
    public async Task<RateLimitCount> IncrementAsync(PortalDb db, string key, TimeSpan window, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var expired = now - (long)window.TotalMilliseconds;
        await PurgeAsync(db, now, expired, window, ct);

        // The same text on SQLite and PostgreSQL. Every right-hand side reads the row as it was before the
        // update, so the CASEs agree; PostgreSQL locks the row for the whole statement, SQLite the database.
        var rows = await db.Database.SqlQuery<CountRow>($"""
            INSERT INTO "RateLimitWindows" ("Key", "StartedAt", "Count") VALUES ({key}, {now}, 1)
            ON CONFLICT ("Key") DO UPDATE SET
                "Count" = CASE WHEN "RateLimitWindows"."StartedAt" <= {expired} THEN 1 ELSE "RateLimitWindows"."Count" + 1 END,
                "StartedAt" = CASE WHEN "RateLimitWindows"."StartedAt" <= {expired} THEN {now} ELSE "RateLimitWindows"."StartedAt" END
            RETURNING "Count", "StartedAt"
            """).ToListAsync(ct);
        var row = rows.Single();
        var endsAt = DateTimeOffset.FromUnixTimeMilliseconds(row.StartedAt) + window;
        return new RateLimitCount(row.Count, endsAt - DateTimeOffset.FromUnixTimeMilliseconds(now));
    }

    /// <summary>
    /// Deletes the windows that ran out, at most once a window per instance: the table holds only the
    /// partitions tried in the last window, however long the portal runs.
    /// </summary>
    private async Task PurgeAsync(PortalDb db, long now, long expired, TimeSpan window, CancellationToken ct)
    {
        var last = Interlocked.Read(ref _purgedAt);
        if (now - last < window.TotalMilliseconds || Interlocked.CompareExchange(ref _purgedAt, now, last) != last)
        {
            return;
        }

        await db.RateLimitWindows.Where(w => w.StartedAt <= expired).ExecuteDeleteAsync(ct);
    }

    private sealed class CountRow
    {
        public int Count { get; set; }

        public long StartedAt { get; set; }
    }
}

/// <summary>The attempts counted in the current window, this one included, and the time until it ends.</summary>
public readonly record struct RateLimitCount(int Count, TimeSpan RemainingWindow);
