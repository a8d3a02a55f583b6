using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Portal.Data;

/// <summary>Options for a <see cref="PortalDb"/> made outside the web host (tools, tests, the bench).</summary>
public static class PortalDbOptions
{
    // Identity reads its schema version from the application's services when it builds the model.
    private static readonly IServiceProvider IdentityServices = new ServiceCollection()
        .Configure<IdentityOptions>(ConfigureStores)
        .BuildServiceProvider();

    public static void ConfigureStores(IdentityOptions options) => options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;

    public static DbContextOptions<PortalDb> Create(DatabaseProvider provider, string connectionString)
    {
        var builder = new DbContextOptionsBuilder<PortalDb>().UseApplicationServiceProvider(IdentityServices);
        Configure(builder, provider, connectionString);
        return builder.Options;
    }

    internal static void Configure(DbContextOptionsBuilder builder, DatabaseProvider provider, string connectionString, bool preparedStatements = true)
    {
        switch (provider)
        {
            case DatabaseProvider.Postgres:
                builder.UseNpgsql(connectionString);
                if (preparedStatements)
                {
                    builder.AddInterceptors(new PreparedStatementsInterceptor());
                }

                break;
            default:
                builder.UseSqlite(connectionString);
                builder.AddInterceptors(new SqliteConnectionPragmas());
                break;
        }

        // One migration set per provider in this one assembly (docs/migrations.md).
        builder.ReplaceService<IMigrationsAssembly, ProviderMigrationsAssembly>();
    }
}
