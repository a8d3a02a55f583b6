using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Portal.Data;

namespace Portal.Infrastructure.Events;

/// <summary>
/// Reading the event outbox by cursor without ever skipping an event. On PostgreSQL an identity value
/// is taken when a row is inserted, not when its transaction commits, so event 11 can be visible while
/// event 10 is still being written; a reader that moved its cursor to 11 would never see 10. Taking
/// the table in SHARE mode waits for every transaction that is inserting events to finish (and holds new
/// ones back for the length of the read), so every id up to the largest one read is final. SQLite has
/// one writer at a time, so ids there are committed in order already.
/// </summary>
public static class IntegrationEventReader
{
    /// <summary>
    /// For a read-only reader (polling): on PostgreSQL a transaction that has waited for the writers; on
    /// SQLite nothing (null), so that a poll never takes SQLite's write lock.
    /// </summary>
    public static async Task<IDbContextTransaction?> BeginConsistentReadAsync(PortalDb db, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql())
        {
            return null;
        }

        var tx = await db.Database.BeginTransactionAsync(ct);
        await WaitForWritersAsync(db, ct);
        return tx;
    }

    /// <summary>Call inside a transaction, right before reading events by cursor.</summary>
    public static async Task WaitForWritersAsync(PortalDb db, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Reading events by cursor needs a transaction.");
        }

        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("LOCK TABLE \"IntegrationEvents\" IN SHARE MODE", ct);
        }
    }
}
