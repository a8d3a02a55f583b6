using Portal.Infrastructure.Workers;

namespace Portal.Features.Autopay;

public static class AutopaySetup
{
    /// <summary>The autopay switch and the worker that charges invoices on their due date.</summary>
    public static WebApplicationBuilder AddAutopay(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AutopayOptions>().Bind(builder.Configuration.GetSection("Payments:Autopay"));
        services.AddWorkerOptions(builder.Configuration);
        services.AddScoped<AutopaySwitch>();
        services.AddSingleton<AutopayWorker>();
        if (builder.Configuration.WorkersEnabled())
        {
            services.AddHostedService(sp => sp.GetRequiredService<AutopayWorker>());
        }

        return builder;
    }
}
