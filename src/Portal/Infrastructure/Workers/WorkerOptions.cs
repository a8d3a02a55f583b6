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

    /// <summary>
    /// The slack each claim's lease gets beyond the time its batch may take (unset: each worker's own,
    /// 20-30 s). A killed instance's claimed rows wait this long before another instance takes them; the
    /// scale test shortens it so that it does not wait half a minute.
    /// </summary>
    public TimeSpan? LeaseMargin { get; set; }
}
