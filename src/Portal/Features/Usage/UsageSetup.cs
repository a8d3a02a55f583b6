using Portal.Features.Usage.Exports;
using Portal.Infrastructure.Workers;

namespace Portal.Features.Usage;

/// <summary>The usage feature's services: the ingest behind the integration API, export requests, the export worker and its settings.</summary>
public static class UsageSetup
{
    public static WebApplicationBuilder AddUsage(this WebApplicationBuilder builder)
    {
        // The ingest behind PUT/POST /api/v1/usage and the CSV import.
        builder.Services.AddScoped<UsageIngest>();
        builder.Services.AddOptions<UsageExportOptions>().Bind(builder.Configuration.GetSection("UsageExports"));
        builder.Services.AddScoped<UsageExportRequests>();
        builder.Services.AddSingleton<UsageExportWorker>();
        if (builder.Configuration.WorkersEnabled())
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<UsageExportWorker>());
        }

        return builder;
    }
}
