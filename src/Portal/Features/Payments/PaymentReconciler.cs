using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Infrastructure;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Events;
using Portal.Infrastructure.Payments;
using Portal.Infrastructure.Workers;

namespace Portal.Features.Payments;

/// <summary>The reconciler's settings, section <c>Payments:Reconciler</c>.</summary>
public sealed class ReconcilerOptions
{
    public int BatchSize { get; set; } = 20;

    /// <summary>Between two questions about the same attempt; grows with each unanswered one, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A claim outlives any gateway call; it runs out only when its instance is gone.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// Settles attempts whose outcome is not known: a timeout, a crash between the charge and the commit, a
/// bank debit still processing, a 3-D Secure step not finished. Each due attempt is claimed by moving
/// its <see cref="PaymentAttempt.NextCheckAt"/> forward with a conditional update (several instances
/// never ask about one attempt at once; a crashed claim runs out), the gateway is asked by our key,
/// and the answer goes through <see cref="PaymentOutcomes"/>, the same function the request uses.
/// After a day without an answer the attempt is marked for review; its reservation stays held.
/// </summary>
public sealed class PaymentReconciler(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<ReconcilerOptions> options,
    IOptions<WorkerOptions> workerOptions,
    ILogger<PaymentReconciler> logger) : PollingWorker(workerOptions.Value, logger)
{
    private static readonly AttemptState[] Open = [AttemptState.Pending, AttemptState.Processing, AttemptState.RequiresAction];

    private readonly ReconcilerOptions _options = options.Value;

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
            var now = Now();
            due = await db.PaymentAttempts.AsNoTracking()
                .Where(a => Open.Contains(a.State) && a.NextCheckAt <= now)
                .OrderBy(a => a.NextCheckAt)
                .Select(a => a.Id)
                .Take(_options.BatchSize)
                .ToListAsync(ct);
        }

        var handled = 0;
        foreach (var id in due)
        {
            if (await ReconcileAsync(id, ct))
            {
                handled++;
            }
        }

        return handled;
    }

    /// <summary>Asks the gateway about one attempt, if this instance can claim it; true when it did.</summary>
    public async Task<bool> ReconcileAsync(Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var now = Now();
        var lease = now + _options.Lease;
        var claimed = await db.PaymentAttempts
            .Where(a => a.Id == id && Open.Contains(a.State) && a.NextCheckAt <= now)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.NextCheckAt, lease), ct);
        if (claimed == 0)
        {
            return false;
        }

        var attempt = await db.PaymentAttempts.AsNoTracking().SingleAsync(a => a.Id == id, ct);
        var gateway = scope.ServiceProvider.GetRequiredService<IPaymentGateway>();
        string? error = null;
        try
        {
            var result = await gateway.FindChargeAsync(attempt.Id.ToString("N"), ct);
            var state = await scope.ServiceProvider.GetRequiredService<PaymentOutcomes>().RecordAsync(attempt.Id, result, "reconciler", ct);
            if (state is AttemptState.Succeeded or AttemptState.Failed)
            {
                logger.LogInformation("Payment attempt {Attempt} reconciled: {State}.", attempt.Id, state);
                return true;
            }
        }
        catch (Exception e) when (e is GatewayUnknownOutcomeException or GatewayRequestRefusedException or HttpRequestException or TimeoutException
                                      || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            error = e.Message.Length > 500 ? e.Message[..500] : e.Message;
            logger.LogWarning(e, "Payment attempt {Attempt}: the gateway did not answer the reconciler.", attempt.Id);
        }

        // Still not final: ask again later, further apart each time; after a day a person looks at it.
        var checks = attempt.Checks + 1;
        var delay = TimeSpan.FromTicks(Math.Min(_options.MaxDelay.Ticks, _options.FirstDelay.Ticks * (1L << Math.Min(checks - 1, 20))));
        var finished = Now();
        var review = finished - attempt.CreatedAt >= PaymentOutcomes.ReviewAfter;
        var marked = await db.PaymentAttempts
            .Where(a => a.Id == id && a.NextCheckAt == lease && Open.Contains(a.State))
            .ExecuteUpdateAsync(u => u
                .SetProperty(a => a.Checks, checks)
                .SetProperty(a => a.NextCheckAt, finished + delay)
                .SetProperty(a => a.LastCheckError, error)
                .SetProperty(a => a.NeedsReview, review), ct);
        if (review && !attempt.NeedsReview && marked == 1)
        {
            // Once: the billing system and the trail hear that a person must look at it.
            var account = await db.Accounts.Where(a => a.Id == attempt.AccountId).Select(a => a.ExternalId).SingleAsync(ct);
            scope.ServiceProvider.GetRequiredService<IntegrationEvents>().Record("payment.needs_review", attempt.AccountId, account,
                new { attemptId = attempt.Id, amount = attempt.Amount, currency = attempt.Currency, gateway = attempt.Gateway, state = attempt.State.ToString().ToLowerInvariant(), since = attempt.CreatedAt });
            scope.ServiceProvider.GetRequiredService<ActivityLog>().Record("payment.needs_review", null, attempt.AccountId, attempt.Id.ToString("N"));
            await db.SaveChangesAsync(ct);
        }

        return true;
    }

    private DateTime Now() => WorkerTime.Floor(time.GetUtcNow().UtcDateTime);
}
