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

    /// <summary>
    /// The key of the PostgreSQL advisory lock held around <see cref="MigrateAndSeedAsync"/> ("portal-migrate"
    /// in ASCII): several instances started at once on one database migrate and seed one after another.
    /// </summary>
    public const long MigrationLockKey = 0x706f7274616c6d;

    /// <summary>
    /// Applies the migrations and, on an empty database, the demo data. On PostgreSQL several instances
    /// starting at once take turns under an advisory lock: the first migrates and seeds, the others wait for
    /// it, then find nothing left to do (EF's own migration lock covers the schema, not the old-chain move or
    /// the demo data, which two instances would otherwise both insert into an empty database).
    /// </summary>
    public static async Task MigrateAndSeedAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        await using var turn = await MigrationTurnAsync(db, app.Logger);
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
            await AnalyzeNewIndexesAsync(db);
        }

        if (app.Configuration.GetValue("DemoData:Enabled", true))
        {
            await scope.ServiceProvider.GetRequiredService<DemoData>().SeedIfEmptyAsync();
        }
    }

    /// <summary>
    /// PRAGMA optimize analyzes a table again only when its size changed a lot, so an index a migration adds
    /// to a table analyzed before stays without statistics, and the planner may prefer an older index over it
    /// (seen: a year of the largest bench account's payments read through (Status, ReceivedAt), every account's
    /// payments of the year, 500 ms, instead of the account's own index, 15 ms). Those tables are analyzed
    /// here, on a sample (analysis_limit) so that a large table costs a fraction of a second, once.
    /// </summary>
    private static async Task AnalyzeNewIndexesAsync(PortalDb db)
    {
        var analyzed = await db.Database.SqlQueryRaw<int>(
            "SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'").SingleAsync();
        if (analyzed == 0)
        {
            return; // never analyzed: the planner treats every index alike, and optimize will analyze it when it grows
        }

        var tables = await db.Database.SqlQueryRaw<string>(
            """
            SELECT DISTINCT m.tbl_name AS "Value" FROM sqlite_master m
            WHERE m.type = 'index' AND m.sql IS NOT NULL
              AND m.tbl_name IN (SELECT tbl FROM sqlite_stat1)
              AND m.name NOT IN (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL)
            """).ToListAsync();
        foreach (var table in tables)
        {
            // The name comes from sqlite_master (not from input), quoted as an identifier.
            var analyze = "PRAGMA analysis_limit=1000; ANALYZE \"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"; PRAGMA analysis_limit=0;";
            await db.Database.ExecuteSqlRawAsync(analyze);
        }
    }

    /// <summary>
    /// On PostgreSQL, waits for this instance's turn to migrate (a session-level advisory lock on a connection
    /// of its own, released when it is disposed, or by the server if the process dies). Null on SQLite, whose
    /// file has one writer at a time anyway, and on a PostgreSQL database that does not exist yet (the
    /// migration creates it; the deployment guide has it created beforehand).
    /// </summary>
    private static async Task<Npgsql.NpgsqlConnection?> MigrationTurnAsync(PortalDb db, ILogger logger)
    {
        if (!db.Database.IsNpgsql())
        {
            return null;
        }

        var connection = new Npgsql.NpgsqlConnection(db.Database.GetConnectionString());
        try
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", MigrationLockKey);
            if (await command.ExecuteScalarAsync() is not true)
            {
                logger.LogInformation("Another instance is migrating the database; waiting for it to finish.");
                command.CommandText = "SELECT pg_advisory_lock(@key)";
                // As long as the other instance takes: a first migration with the demo data is longer than the default 30 s.
                command.CommandTimeout = 0;
                await command.ExecuteNonQueryAsync();
            }

            return connection;
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.InvalidCatalogName)
        {
            await connection.DisposeAsync();
            return null;
        }
    }
}

public sealed record DatabaseInfo(DatabaseProvider Provider);
