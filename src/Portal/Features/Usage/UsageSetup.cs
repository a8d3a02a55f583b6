using Portal.Features.Usage.Exports;
using Portal.Infrastructure.Workers;

namespace Portal.Features.Usage;

/// <summary>The usage feature's services: the ingest behind the integration API, export requests, the export worker and its settings, the daily rollup's worker.</summary>
public static class UsageSetup
{
    public static WebApplicationBuilder AddUsage(this WebApplicationBuilder builder)
    {
        // The ingest behind PUT/POST /api/v1/usage and the CSV import.
        builder.Services.AddScoped<UsageIngest>();
        builder.Services.AddOptions<UsageExportOptions>().Bind(builder.Configuration.GetSection("UsageExports"));
        builder.Services.AddScoped<UsageExportRequests>();
        builder.Services.AddSingleton<UsageExportWorker>();
        // The daily rollup behind the page's totals and chart (UsageRollup): built for accounts that have none, recut when the zone changes.
        builder.Services.AddSingleton<UsageRollupWorker>();
        if (builder.Configuration.WorkersEnabled())
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<UsageExportWorker>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<UsageRollupWorker>());
        }

        return builder;
    }
}
