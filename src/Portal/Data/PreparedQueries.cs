using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Portal.Data;

/// <summary>
/// Queries prepared on PostgreSQL (ADR 0020): a query marked <see cref="Prepared{T}"/> is parsed once per pooled
/// connection and, once PostgreSQL finds its generic plan as good as the custom ones (after five executions), no
/// longer planned per execution either. Only for queries whose plan does not depend on the values: a few index
/// ranges of one account, the same index whatever the account's size. On SQLite the mark is a comment.
/// </summary>
public static class PreparedQueries
{
    /// <summary>The tag of a marked query: EF writes it as a comment line before the SQL, among the query's other tags.</summary>
    public const string Tag = "portal:prepared";

    private const string Marker = "-- " + Tag;

    /// <summary>Marks the query to be prepared on PostgreSQL (a SQL comment, <c>-- portal:prepared</c>).</summary>
    public static IQueryable<T> Prepared<T>(this IQueryable<T> query) => query.TagWith(Tag);

    /// <summary>Whether one of the comment lines EF writes before the SQL (a query's tags, in the order given) is the mark.</summary>
    internal static bool IsMarked(DbCommand command)
    {
        var sql = command.CommandText.AsSpan();
        while (sql.StartsWith("-- ", StringComparison.Ordinal))
        {
            var end = sql.IndexOf('\n');
            var line = (end < 0 ? sql : sql[..end]).TrimEnd('\r');
            if (line.SequenceEqual(Marker))
            {
                return true;
            }

            if (end < 0)
            {
                break;
            }

            sql = sql[(end + 1)..];
        }

        return false;
    }
}

/// <summary>
/// Prepares a marked command before it runs. Npgsql keeps an explicitly prepared statement with its physical
/// connection, across returns to the pool, and a later command of the same SQL finds it there: the first
/// execution on a connection parses it, every later one only binds and executes.
/// </summary>
internal sealed class PreparedStatementsInterceptor : DbCommandInterceptor
{
    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (command is NpgsqlCommand && PreparedQueries.IsMarked(command))
        {
            command.Prepare();
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (command is NpgsqlCommand && PreparedQueries.IsMarked(command))
        {
            await command.PrepareAsync(cancellationToken);
        }

        return result;
    }
}
