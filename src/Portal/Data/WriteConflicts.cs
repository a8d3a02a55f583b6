using Microsoft.EntityFrameworkCore;

namespace Portal.Data;

/// <summary>
/// Whether a failed SaveChanges lost a race with another transaction, so that reading again and deciding again
/// is the answer (never a 500): a concurrency token or unique key taken first (<see cref="DbUpdateException"/>),
/// or on PostgreSQL a deadlock or serialization failure that the server broke by failing this transaction.
/// </summary>
/// <remarks>
/// Npgsql's default execution strategy wraps an error it judges transient (a deadlock is one) in an
/// <see cref="InvalidOperationException"/> that suggests retrying; the wrapped <see cref="DbUpdateException"/> is
/// what is looked for, so a catch of <see cref="DbUpdateException"/> alone misses a deadlock.
/// </remarks>
public static class WriteConflicts
{
    public static bool Is(Exception exception)
    {
        if (exception is DbUpdateException)
        {
            return true;
        }

        return exception is InvalidOperationException { InnerException: DbUpdateException update }
            && update.InnerException is Npgsql.PostgresException
            {
                SqlState: Npgsql.PostgresErrorCodes.DeadlockDetected or Npgsql.PostgresErrorCodes.SerializationFailure,
            };
    }
}
