using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Portal.Infrastructure.Telemetry;

/// <summary>
/// The portal's own instruments (meter <c>Portal</c>): what the outbox workers sent, failed and still
/// have to do. Static, like the framework's own meters: recording costs next to nothing when no
/// exporter listens, and a worker needs no extra constructor parameter to report.
/// </summary>
public static class PortalMetrics
{
    public const string MeterName = "Portal";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> EmailsSent = Meter.CreateCounter<long>("portal.emails.sent", "{email}", "E-mails handed to the SMTP server or the pickup folder.");

    private static readonly Counter<long> EmailsFailed = Meter.CreateCounter<long>("portal.emails.failed", "{email}", "Failed e-mail attempts; outcome=retry or gave_up.");

    private static readonly Counter<long> WebhooksDelivered = Meter.CreateCounter<long>("portal.webhooks.delivered", "{delivery}", "Webhook deliveries the receiver accepted (2xx).");

    private static readonly Counter<long> WebhooksFailed = Meter.CreateCounter<long>("portal.webhooks.failed", "{delivery}", "Failed webhook attempts; outcome=retry or gave_up.");

    private static readonly Counter<long> WorkerFailures = Meter.CreateCounter<long>("portal.worker.pass_failures", "{pass}", "Worker passes that threw (database down, a bug); the worker retries.");

    private static readonly ConcurrentDictionary<string, long> Backlogs = new(StringComparer.Ordinal);

    private static readonly ObservableGauge<long> Backlog = Meter.CreateObservableGauge(
        "portal.worker.backlog",
        () => Backlogs.Select(b => new Measurement<long>(b.Value, new KeyValuePair<string, object?>("worker", b.Key))),
        "{item}",
        "Rows due now that a worker has not finished, as this instance last counted them.");

    private static readonly ConcurrentDictionary<string, double> Lags = new(StringComparer.Ordinal);

    private static readonly ObservableGauge<double> Lag = Meter.CreateObservableGauge(
        "portal.worker.lag",
        () => Lags.Select(l => new Measurement<double>(l.Value, new KeyValuePair<string, object?>("worker", l.Key))),
        "s",
        "How long the oldest row due now has waited for its worker, as this instance last looked (0 when none is due).");

    public static void EmailSent() => EmailsSent.Add(1);

    public static void EmailFailed(bool gaveUp) => EmailsFailed.Add(1, Outcome(gaveUp));

    public static void WebhookDelivered() => WebhooksDelivered.Add(1);

    public static void WebhookFailed(bool gaveUp) => WebhooksFailed.Add(1, Outcome(gaveUp));

    public static void WorkerPassFailed(string worker) => WorkerFailures.Add(1, new KeyValuePair<string, object?>("worker", worker));

    /// <summary>What a worker found due at its last count.</summary>
    public static void SetBacklog(string worker, long due, double lagSeconds)
    {
        Backlogs[worker] = due;
        Lags[worker] = lagSeconds;
    }

    private static KeyValuePair<string, object?> Outcome(bool gaveUp) => new("outcome", gaveUp ? "gave_up" : "retry");
}
