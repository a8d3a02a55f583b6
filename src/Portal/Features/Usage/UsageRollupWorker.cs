using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure;
using Portal.Infrastructure.Workers;

namespace Portal.Features.Usage;

/// <summary>
/// Builds the daily usage rollup of accounts that have none yet (new accounts, and every account once
/// after the rollup's migration), and recuts every account when the operator changes the time zone.
/// Safe on every instance at once: <see cref="UsageRollup.RebuildAsync"/> claims an account by moving its
/// zone stamp with a conditional update, so a second instance finds it done and skips it; the pages
/// group the records themselves until an account's rollup is current.
/// </summary>
public sealed class UsageRollupWorker(
    IServiceScopeFactory scopes,
    TimeProvider time,
    Microsoft.Extensions.Options.IOptions<WorkerOptions> workerOptions,
    ILogger<UsageRollupWorker> logger) : PollingWorker(workerOptions.Value, logger)
{
    // Accounts stamped per pass: each is its own transaction, a few milliseconds for a small account.
    private const int AccountsPerPass = 50;

    /// <summary>
    /// After a pass that found every account current, the next look is this much later rather than at
    /// the workers' 2-second interval: both queries walk every account, and new accounts or a zone change
    /// are rare (the pages group the records themselves until an account's rollup is current).
    /// </summary>
    public static readonly TimeSpan IdleBackOff = TimeSpan.FromSeconds(30);

    // This instance's own polling schedule: nothing another instance needs.
    private DateTimeOffset _idleUntil = DateTimeOffset.MinValue;

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        if (time.GetUtcNow() < _idleUntil)
        {
            return 0;
        }

        var handled = await PassAsync(ct);
        _idleUntil = handled == 0 ? time.GetUtcNow() + IdleBackOff : DateTimeOffset.MinValue;
        return handled;
    }

    private async Task<int> PassAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var zone = await scope.ServiceProvider.GetRequiredService<OperatorClock>().ZoneAsync(ct);

        // Accounts without a stamp row get one (unbuilt); both lists walk primary keys only.
        var unstamped = await db.Accounts.AsNoTracking()
            .Where(a => !db.UsageRollupAccounts.Any(s => s.AccountId == a.Id))
            .OrderBy(a => a.Id).Select(a => a.Id).Take(1000).ToListAsync(ct);
        if (unstamped.Count > 0)
        {
            var strategy = db.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(async () =>
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                await UsageRollup.EnsureRowsAsync(db, [.. unstamped], ct);
                await tx.CommitAsync(ct);
            });
        }

        var zoneId = zone.Id;
        var stale = await db.UsageRollupAccounts.AsNoTracking()
            .Where(s => s.ZoneId == null || s.ZoneId != zoneId)
            .OrderBy(s => s.AccountId).Select(s => s.AccountId).Take(AccountsPerPass).ToListAsync(ct);
        var built = 0;
        foreach (var accountId in stale)
        {
            if (await UsageRollup.RebuildAsync(db, accountId, zone, time.GetUtcNow().UtcDateTime, ct))
            {
                built++;
            }
        }

        if (built > 0)
        {
            logger.LogInformation("Built the daily usage rollup of {Accounts} accounts in {Zone}.", built, zoneId);
        }

        return unstamped.Count + stale.Count;
    }
}
