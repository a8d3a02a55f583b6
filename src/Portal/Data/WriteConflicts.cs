using Microsoft.EntityFrameworkCore;

namespace Portal.Data;

/// <summary>
/// Whether a failed SaveChanges lost a race with another transaction, so that reading again and deciding again
/// is the answer (never a 500): a concurrency token or unique key taken first (<see cref="DbUpdateException"/>),
/// or on PostgreSQL a deadlock or serialization failure that the server broke by failing this transaction.
/// </summary>
/// <remarks>
/// Npgsql's default execution strategy wraps an error it judges transient (a deadlock is one) in an
/// <see cref="InvalidOperationException"/> that suggests retrying, so a catch of <see cref="DbUpdateException"/>
/// alone misses a deadlock; the server's error is looked for inside.
/// </remarks>
public static class WriteConflicts
{
    public static bool Is(Exception exception) => exception is DbUpdateException || IsDeadlock(exception);

    /// <summary>Whether PostgreSQL failed this transaction to break a deadlock (or a serialization failure), however wrapped.</summary>
    public static bool IsDeadlock(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.DeadlockDetected or Npgsql.PostgresErrorCodes.SerializationFailure })
            {
                return true;
            }
        }

        return false;
    }
}
