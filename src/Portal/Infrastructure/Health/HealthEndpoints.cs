using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.Data;

namespace Portal.Infrastructure.Health;

/// <summary>
/// What a load balancer and an orchestrator ask an instance:
/// <list type="bullet">
/// <item><c>/healthz/live</c>: the process answers. No database, nothing that can be slow, so a database outage
/// never gets every instance restarted at once.</item>
/// <item><c>/healthz/ready</c>: this instance can serve pages: the database answers a trivial query and every
/// migration this build knows is applied (an instance started while another still migrates waits out of
/// the rotation). The proxy routes only to ready instances. <c>/healthz</c> answers the same, for the probes
/// configured before the split.</item>
/// </list>
/// </summary>
public static class HealthEndpoints
{
    private const string Ready = "ready";

    public static IServiceCollection AddPortalHealth(this IServiceCollection services)
    {
        services.AddSingleton<MigrationsApplied>();
        services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: [Ready]);
        return services;
    }

    public static WebApplication MapPortalHealth(this WebApplication app)
    {
        var ready = new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready) };
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready", ready).AllowAnonymous();
        app.MapHealthChecks("/healthz", ready).AllowAnonymous();
        return app;
    }

    /// <summary>Once every migration is seen applied, it stays so for the life of the process (a schema is never un-migrated under it).</summary>
    internal sealed class MigrationsApplied
    {
        public volatile bool Seen;
    }

    /// <summary>
    /// One trivial query on a pooled connection: cheaper than EF's context check (which the readiness probe
    /// used to be, costing more server time than a whole page), and the pending migrations until none are.
    /// </summary>
    internal sealed class DatabaseReadyCheck(PortalDb db, MigrationsApplied migrations) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                // A table of ours, not a bare SELECT 1: SQLite would answer that from a new empty file made in place of a lost one.
                await db.Database.ExecuteSqlRawAsync("SELECT 1 FROM \"__EFMigrationsHistory\" LIMIT 1", cancellationToken);
                if (!migrations.Seen)
                {
                    var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
                    if (pending.Count > 0)
                    {
                        return HealthCheckResult.Unhealthy($"{pending.Count} migrations are not applied yet (first: {pending[0]}).");
                    }

                    migrations.Seen = true;
                }

                return HealthCheckResult.Healthy();
            }
#pragma warning disable CA1031 // Any failure to reach the database is "not ready", never an error page.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return HealthCheckResult.Unhealthy("The database did not answer.", ex);
            }
        }
    }
}
