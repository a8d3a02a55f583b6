using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Data;

/// <summary>The portal's PostgreSQL sessions plan without parallel workers (ADR 0019); an operator's own options stand.</summary>
public sealed class ParallelQueryTests(PortalFactory portal)
{
    [Fact]
    public void The_setting_joins_an_operators_options_and_an_operators_own_value_stands()
    {
        static string? OptionsOf(string connectionString) => new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Options;

        Assert.Equal("-c max_parallel_workers_per_gather=0", OptionsOf(DataExtensions.WithoutParallelQuery("Host=db;Username=portal;Database=portal")));
        Assert.Equal(
            "-c max_parallel_workers_per_gather=0 -c statement_timeout=30000",
            OptionsOf(DataExtensions.WithoutParallelQuery("Host=db;Database=portal;Options=-c statement_timeout=30000")));
        const string own = "Host=db;Database=portal;Options=-c max_parallel_workers_per_gather=4";
        Assert.Equal(own, DataExtensions.WithoutParallelQuery(own));
    }

    [Fact]
    public async Task The_portals_own_sessions_have_no_parallel_workers_on_postgres()
    {
        var ct = TestContext.Current.CancellationToken;
        var setting = await portal.WithDbAsync(db => db.Database.IsNpgsql()
            ? db.Database.SqlQueryRaw<string>("SELECT current_setting('max_parallel_workers_per_gather') AS \"Value\"").SingleAsync(ct)
            : Task.FromResult("not PostgreSQL"));
        Assert.Equal(portal.Provider == DatabaseProvider.Postgres ? "0" : "not PostgreSQL", setting);
    }
}
