using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;

namespace Portal.Tests.Data;

/// <summary>Which failed writes are a lost race (read again and decide again) and which are not.</summary>
public sealed class WriteConflictsTests
{
    [Theory]
    [InlineData(PostgresErrorCodes.DeadlockDetected, true)]
    [InlineData(PostgresErrorCodes.SerializationFailure, true)]
    [InlineData(PostgresErrorCodes.CheckViolation, false)]
    public void A_deadlock_wrapped_by_npgsql_s_execution_strategy_is_a_conflict_other_server_errors_are_not(string sqlState, bool conflict)
    {
        // As Npgsql's default execution strategy throws it: the update's failure inside an InvalidOperationException.
        var server = new PostgresException("deadlock detected", "ERROR", "ERROR", sqlState);
        var wrapped = new InvalidOperationException("An exception has been raised that is likely due to a transient failure.",
            new DbUpdateException("An error occurred while saving the entity changes.", server));

        Assert.Equal(conflict, WriteConflicts.Is(wrapped));
        Assert.Equal(conflict, WriteConflicts.IsDeadlock(wrapped));
        // A statement that is not a SaveChanges (ExecuteUpdate) fails with the server's error wrapped directly.
        Assert.Equal(conflict, WriteConflicts.IsDeadlock(new InvalidOperationException("transient", server)));
    }

    [Fact]
    public void A_taken_key_or_concurrency_token_is_a_conflict_an_unrelated_error_is_not()
    {
        Assert.True(WriteConflicts.Is(new DbUpdateException("duplicate key")));
        Assert.True(WriteConflicts.Is(new DbUpdateConcurrencyException("0 rows")));
        Assert.False(WriteConflicts.IsDeadlock(new DbUpdateException("duplicate key")));
        Assert.False(WriteConflicts.Is(new InvalidOperationException("Sequence contains no elements")));
        Assert.False(WriteConflicts.Is(new TimeoutException()));
    }
}
