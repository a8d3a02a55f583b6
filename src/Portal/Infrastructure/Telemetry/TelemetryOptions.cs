namespace Portal.Infrastructure.Telemetry;

/// <summary>Metrics and traces, section <c>Telemetry</c>. Everything is off unless configured here.</summary>
public sealed class TelemetryOptions
{
    public PrometheusOptions Prometheus { get; set; } = new();

    /// <summary>An OpenTelemetry collector (OTLP, e.g. <c>http://collector:4317</c>): metrics and traces are pushed there.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>The service name the telemetry carries (<c>service.name</c>).</summary>
    public string ServiceName { get; set; } = "portal";

    internal bool Enabled => Prometheus.Enabled || OtlpEndpoint is not null;
}

public sealed class PrometheusOptions
{
    /// <summary>Serve the metrics for a Prometheus scraper at <see cref="Path"/>.</summary>
    public bool Enabled { get; set; }

    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// Only answer the scrape on this host and port (e.g. <c>*:9464</c>, a port the load balancer does
    /// not publish; add it to <c>Urls</c>). Empty: on every address the portal listens on.
    /// </summary>
    public string? RequireHost { get; set; }
}
