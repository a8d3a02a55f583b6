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

        if (provider == DatabaseProvider.Postgres && !builder.Configuration.GetValue("Database:ParallelQuery", false))
        {
            connectionString = WithoutParallelQuery(connectionString);
        }

        // Marked queries are prepared on PostgreSQL (ADR 0020); off for a pooler that cannot keep prepared statements.
        var prepared = builder.Configuration.GetValue("Database:PreparedStatements", true);
        builder.Services.AddDbContextPool<PortalDb>(options => PortalDbOptions.Configure(options, provider, connectionString, prepared));
        builder.Services.AddSingleton(new DatabaseInfo(provider));
        builder.Services.AddPortalHealth();

        // Keys in the database, so that every instance can read every other instance's cookies.
        builder.Services.AddDataProtection().SetApplicationName("customer-portal").PersistKeysToDbContext<PortalDb>();
        return builder;
    }

    /// <summary>
    /// The portal's PostgreSQL sessions plan without parallel workers (ADR 0019): every statement a request runs is a
    /// short read of a few index ranges, where starting and gathering workers cost more CPU than they save (a
    /// statement's 3 ms read took 10 ms with two workers on two cores). Set as a startup option of the connection, so
    /// that it costs no round trip; an operator's own <c>Options</c> are kept, and one that names the setting wins.
    /// <c>Database:ParallelQuery=true</c> leaves the connection string alone (a pooler that refuses startup options).
    /// </summary>
    public static string WithoutParallelQuery(string connectionString)
    {
        var options = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (options.Options?.Contains("max_parallel_workers_per_gather", StringComparison.Ordinal) == true)
        {
            return connectionString;
        }

        options.Options = string.IsNullOrWhiteSpace(options.Options)
            ? "-c max_parallel_workers_per_gather=0"
            : $"-c max_parallel_workers_per_gather=0 {options.Options}";
        return options.ConnectionString;
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
        }

        if (app.Configuration.GetValue("DemoData:Enabled", true))
        {
            await scope.ServiceProvider.GetRequiredService<DemoData>().SeedIfEmptyAsync();
        }
    }

    /// <summary>
    /// On PostgreSQL, waits for this instance's turn to migrate (a session-level advisory lock on a connection
    /// of its own, released when it is disposed, or by the server if the process dies). The connection is not
    /// pooled: a pooled one is only parked when disposed, its session and so the lock kept until the pool hands
    /// it out again or prunes it minutes later, and every other instance starting meanwhile would wait for that
    /// (seen: a second host in the tests waited 284 s). Null on SQLite, whose
    /// file has one writer at a time anyway, and on a PostgreSQL database that does not exist yet (the
    /// migration creates it; the deployment guide has it created beforehand).
    /// </summary>
    private static async Task<Npgsql.NpgsqlConnection?> MigrationTurnAsync(PortalDb db, ILogger logger)
    {
        if (!db.Database.IsNpgsql())
        {
            return null;
        }

        var unpooled = new Npgsql.NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false };
        var connection = new Npgsql.NpgsqlConnection(unpooled.ConnectionString);
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
