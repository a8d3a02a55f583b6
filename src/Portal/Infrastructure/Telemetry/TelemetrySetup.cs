using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Portal.Infrastructure.Telemetry;

public static class TelemetrySetup
{
    /// <summary>
    /// OpenTelemetry metrics and traces when <c>Telemetry</c> asks for them: ASP.NET Core requests, outgoing
    /// HTTP (webhooks), EF Core and Npgsql, and the portal's own meter (<see cref="PortalMetrics"/>).
    /// </summary>
    public static WebApplicationBuilder AddPortalTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.AddSingleton(options);
        if (!options.Enabled)
        {
            return builder;
        }

        var otlp = options.OtlpEndpoint;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddNpgsqlInstrumentation()
                    // EF Core's own meter: queries, SaveChanges, optimistic-concurrency failures.
                    .AddMeter("Microsoft.EntityFrameworkCore")
                    .AddMeter(PortalMetrics.MeterName);
                if (options.Prometheus.Enabled)
                {
                    // Each scrape reads the current values: no cached answer between two scrapers.
                    metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                }

                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(o => Configure(o, otlp));
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments(options.Prometheus.Path))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql();
                if (otlp is not null)
                {
                    tracing.AddOtlpExporter(o => Configure(o, otlp));
                }
            });
        return builder;
    }

    /// <summary>The Prometheus scrape endpoint, when it is on.</summary>
    public static WebApplication MapPortalTelemetry(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<TelemetryOptions>();
        if (options.Prometheus.Enabled)
        {
            var endpoint = app.MapPrometheusScrapingEndpoint(options.Prometheus.Path).AllowAnonymous();
            if (!string.IsNullOrWhiteSpace(options.Prometheus.RequireHost))
            {
                endpoint.RequireHost(options.Prometheus.RequireHost);
            }
        }

        return app;
    }

    private static void Configure(OtlpExporterOptions exporter, Uri endpoint)
    {
        exporter.Endpoint = endpoint;
        // 4318 is OTLP over HTTP by convention; anything else speaks gRPC (4317).
        exporter.Protocol = endpoint.Port == 4318 ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
    }
}
