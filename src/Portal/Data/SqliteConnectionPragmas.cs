using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Data;

/// <summary>
/// Per-connection SQLite settings: NORMAL synchronous is durable across application crashes in WAL
/// mode (set once, at migration, because it persists in the file) and halves the fsyncs of a commit.
/// The automatic checkpoint waits for 16,384 pages in the log (64 MB at 4 KB pages) instead of 1,000:
/// a usage batch changes thousands of pages, so at 1,000 every batch ran a checkpoint of its own
/// (writing each page into the database and waiting for the disk twice); with the higher mark one
/// checkpoint serves several batches and a page they all changed is copied once (ADR 0009).
/// Both settings belong to the native connection, which the pool keeps open between uses: they are sent
/// once per native connection, not on every open (a page opened and closed a pooled connection for each
/// of its queries, and each open ran this command: measured in docs/performance.md, issue 16).
/// A writer that finds the database locked waits in SQLite's own busy handler (it retries after 1, 2, 5,
/// 10, 15, 20, 25 ... ms) for up to 30 s, the same bound as the command timeout. Without it SQLite answers
/// SQLITE_BUSY at once and Microsoft.Data.Sqlite retries after a fixed 150 ms sleep: with 32 customers
/// confirming payments (three short write transactions each) most confirms slept 150 ms or more for a lock
/// that was free again within a millisecond or two (docs/performance.md, issue 9).
/// </summary>
internal sealed class SqliteConnectionPragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=16384; PRAGMA busy_timeout=30000;";

    // The native handles already set; an entry goes when its handle is collected after the pool closes it.
    private static readonly ConditionalWeakTable<object, object> Done = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (FirstOpen(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (FirstOpen(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static bool FirstOpen(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || Done.TryAdd(handle, Done);
}
