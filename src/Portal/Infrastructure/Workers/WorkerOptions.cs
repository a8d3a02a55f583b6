namespace Portal.Infrastructure.Workers;

/// <summary>
/// The background workers (webhook dispatcher, e-mail sender), section <c>Workers</c>. Tests switch them
/// off (<c>Workers:Enabled=false</c>) and call their <c>RunOnceAsync</c> by hand.
/// </summary>
public sealed class WorkerOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>How long a worker sleeps when it found nothing to do.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);
}
