using Portal.Data;

namespace Portal.Infrastructure.Workers;

/// <summary>
/// The rows one claim took (<see cref="WorkLeases.ClaimAsync{T}"/>) and the lease that marks them as
/// this worker's. Finish each row with a write guarded by <c>NextAttemptAt == Lease</c> and call
/// <see cref="Done"/>; disposing hands back every row not done, so a worker that is stopped (a deploy,
/// a graceful shutdown) leaves its unstarted rows due at once for the next instance instead of waiting
/// for the lease to run out.
/// </summary>
public sealed class LeaseClaim<T> : IAsyncDisposable
    where T : class, ILeasedWork
{
    private readonly WorkLeases _leases;
    private readonly PortalDb _db;
    private readonly ILogger _logger;
    private readonly HashSet<long> _open;
    private readonly Lock _gate = new();

    internal LeaseClaim(WorkLeases leases, PortalDb db, IReadOnlyList<long> ids, DateTime lease, ILogger logger)
    {
        _leases = leases;
        _db = db;
        _logger = logger;
        Ids = ids;
        Lease = lease;
        _open = [.. ids];
    }

    /// <summary>The claimed rows, in id order.</summary>
    public IReadOnlyList<long> Ids { get; }

    /// <summary>The value of <c>NextAttemptAt</c> while the rows are this worker's.</summary>
    public DateTime Lease { get; }

    public int Count => Ids.Count;

    /// <summary>The row is finished (or its outcome written): it is no longer handed back.</summary>
    public void Done(long id)
    {
        lock (_gate)
        {
            _open.Remove(id);
        }
    }

    /// <summary>Hands back the rows not done yet; returns how many were still this worker's.</summary>
    public async Task<int> ReleaseAsync(CancellationToken ct)
    {
        long[] open;
        lock (_gate)
        {
            open = [.. _open];
            _open.Clear();
        }

        return await _leases.ReleaseAsync<T>(_db, open, Lease, ct);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Not the worker's token: it is already cancelled when the host stops.
            var released = await ReleaseAsync(CancellationToken.None);
            if (released > 0)
            {
                _logger.LogInformation("Handed back {Count} claimed {Kind} rows not started.", released, typeof(T).Name);
            }
        }
#pragma warning disable CA1031 // The database may be what failed; the lease then runs out by itself.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogWarning(ex, "Could not hand back claimed {Kind} rows; their lease runs out at {Lease:O}.", typeof(T).Name, Lease);
        }
    }
}
