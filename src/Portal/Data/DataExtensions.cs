using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Health;

namespace Portal.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public static class DataExtensions
{
    /// <summary>
    /// The database: SQLite in a file under data/ unless <c>Database:Provider</c> is <c>Postgres</c>;
    /// the connection string is <c>ConnectionStrings:Portal</c>.
    /// </summary>
    public static WebApplicationBuilder AddPortalData(this WebApplicationBuilder builder)
    {
        var provider = builder.Configuration.GetValue("Database:Provider", DatabaseProvider.Sqlite);
        var connectionString = builder.Configuration.GetConnectionString("Portal");
        if (provider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(connectionString))
        {
            var folder = Path.Combine(builder.Environment.ContentRootPath, "data");
            Directory.CreateDirectory(folder);
            connectionString = $"Data Source={Path.Combine(folder, "portal.db")}";
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("ConnectionStrings:Portal is required when Database:Provider is Postgres.");
        }

        builder.Services.AddDbContextPool<PortalDb>(options => PortalDbOptions.Configure(options, provider, connectionString));
        builder.Services.AddSingleton(new DatabaseInfo(provider));
        builder.Services.AddPortalHealth();

        // Keys in the database, so that every instance can read every other instance's cookies.
        builder.Services.AddDataProtection().SetApplicationName("customer-portal").PersistKeysToDbContext<PortalDb>();
        return builder;
    }

    /// <summary>Applies the migrations and, on an empty database, the demo data.</summary>
    public static async Task MigrateAndSeedAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        await OldMigrationChain.MoveOntoBaselineAsync(db);
        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite())
        {
            // Readers never wait for the writer; the setting lives in the database file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            // Statistics for indexes a migration just added: without them SQLite's planner may pick a
            // new index over the right one (seen: the recent-invoices query sorting a 20,000-invoice
            // history through the branch index). Cheap when the statistics are already current.
            await db.Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002;");
        }

        if (app.Configuration.GetValue("DemoData:Enabled", true))
        {
            await scope.ServiceProvider.GetRequiredService<DemoData>().SeedIfEmptyAsync();
        }
    }
}

public sealed record DatabaseInfo(DatabaseProvider Provider);
