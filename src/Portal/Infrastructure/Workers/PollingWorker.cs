using Portal.Infrastructure.Telemetry;

namespace Portal.Infrastructure.Workers;

/// <summary>The loop every worker shares: run once, sleep when idle, log and carry on after an error.</summary>
public abstract class PollingWorker(WorkerOptions options, ILogger logger) : BackgroundService
{
    /// <summary>One pass; returns how many items it handled (0 = idle, sleep before the next pass).</summary>
    public abstract Task<int> RunOnceAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                handled = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A worker must survive any failure of one pass (database restart, bad row) and try again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                PortalMetrics.WorkerPassFailed(GetType().Name);
                logger.LogError(ex, "{Worker} pass failed; retrying after {Interval}.", GetType().Name, options.Interval);
            }

            if (handled == 0)
            {
                try
                {
                    await Task.Delay(options.Interval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
