namespace Portal.Infrastructure.Workers;

public static class WorkerSetup
{
    /// <summary>The <c>Workers</c> section and the lease helper every worker claims its rows with.</summary>
    public static IServiceCollection AddWorkerOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkerOptions>().Bind(configuration.GetSection("Workers"));
        services.AddSingleton<WorkLeases>();
        return services;
    }

    /// <summary><c>Workers:Enabled</c>, default true.</summary>
    public static bool WorkersEnabled(this IConfiguration configuration) => configuration.GetValue("Workers:Enabled", true);
}
