using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Data;

/// <summary>What the portal does with its database when it starts, and says about it afterwards.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("an account")]
    [InlineData("a user")]
    public async Task Demo_data_is_never_seeded_into_a_database_that_already_has_data(string existing)
    {
        var ct = TestContext.Current.CancellationToken;
        using var database = TestDatabase.Create();
        await using (var db = new PortalDb(PortalDbOptions.Create(database.Provider, database.ConnectionString)))
        {
            await db.Database.MigrateAsync(ct);
            if (existing == "an account")
            {
                db.Accounts.Add(new Account { ExternalId = "REAL-1", Number = "90001", Name = "A real customer", Currency = "USD" });
            }
            else
            {
                db.Users.Add(new PortalUser { UserName = "real@example.com", NormalizedUserName = "REAL@EXAMPLE.COM", Email = "real@example.com", NormalizedEmail = "REAL@EXAMPLE.COM" });
            }

            await db.SaveChangesAsync(ct);
        }

        await using var portal = new PortalFactory();
        portal.Settings["ConnectionStrings:Portal"] = database.ConnectionString;
        await portal.InitializeAsync();

        var (accounts, users, settings) = await portal.WithDbAsync(async db =>
            (await db.Accounts.CountAsync(ct), await db.Users.CountAsync(ct), await db.OperatorSettings.CountAsync(ct)));
        Assert.Equal(existing == "an account" ? (1, 0, 0) : (0, 1, 0), (accounts, users, settings));
    }

    [Fact]
    public async Task The_migration_turn_is_free_as_soon_as_the_portal_has_started()
    {
        var ct = TestContext.Current.CancellationToken;
        using var database = TestDatabase.Create();
        // A database already migrated and seeded by an earlier instance, as when one more instance starts.
        await using (var earlier = new PortalFactory())
        {
            earlier.Settings["ConnectionStrings:Portal"] = database.ConnectionString;
            await earlier.InitializeAsync();
        }

        if (database.Provider == DatabaseProvider.Postgres)
        {
            // Idle connections in the pool the portal will use, as a busy instance has: a turn's connection
            // parked behind them is not soon handed out again (nor reset, which is what would free its lock).
            await using (var pooled = new Npgsql.NpgsqlConnection(database.ConnectionString))
            {
                Npgsql.NpgsqlConnection.ClearPool(pooled); // the earlier instance's connections: this pool only
            }

            var idle = Enumerable.Range(0, 30).Select(_ => new Npgsql.NpgsqlConnection(database.ConnectionString)).ToList();
            foreach (var connection in idle)
            {
                await connection.OpenAsync(ct);
            }

            foreach (var connection in idle)
            {
                await connection.DisposeAsync();
            }
        }

        await using var portal = new PortalFactory();
        portal.Settings["ConnectionStrings:Portal"] = database.ConnectionString;
        await portal.InitializeAsync();

        // On PostgreSQL the turn is a session-level advisory lock, asked for here from a session of its own
        // (not pooled). SQLite takes no turn (its file has one writer at a time anyway): nothing to hold there.
        var free = true;
        if (database.Provider == DatabaseProvider.Postgres)
        {
            await using var other = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
            await other.OpenAsync(ct);
            await using var command = new Npgsql.NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", other);
            command.Parameters.AddWithValue("key", DataExtensions.MigrationLockKey);
            free = await command.ExecuteScalarAsync(ct) is true;
        }

        Assert.True(free, "the migration lock is still held after startup: another instance starting now would wait for it");
    }

    [Fact]
    public async Task Ready_answers_503_when_the_database_is_unreachable_while_live_still_answers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var portal = new PortalFactory();
        await portal.InitializeAsync();
        var client = portal.CreateClient();
        foreach (var path in new[] { "/healthz/live", "/healthz/ready", "/healthz" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path, ct)).StatusCode);
        }

        await MakeUnreachableAsync(portal);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/healthz/ready", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/healthz", ct)).StatusCode);
        // Live never asks the database: an outage must not get every instance restarted at once.
        var live = await client.GetAsync("/healthz/live", ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task Ready_answers_503_while_a_migration_this_build_knows_is_not_applied()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var portal = new PortalFactory();
        await portal.InitializeAsync();
        // As if another instance of a newer build were still migrating: the newest migration is not recorded yet.
        var newest = await portal.WithDbAsync(async db => (await db.Database.GetAppliedMigrationsAsync(ct)).Max(StringComparer.Ordinal)!);
        await portal.WithDbAsync(db => db.Database.ExecuteSqlAsync($"DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {newest}", ct));
        var client = portal.CreateClient();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/healthz/ready", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/live", ct)).StatusCode);

        await portal.WithDbAsync(db => db.Database.ExecuteSqlAsync($"INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ({newest}, '10.0.0')", ct));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz/ready", ct)).StatusCode);
    }

    /// <summary>Takes the database away under the running host: the file on SQLite, the database on PostgreSQL.</summary>
    private static async Task MakeUnreachableAsync(PortalFactory portal)
    {
        if (portal.Provider == DatabaseProvider.Sqlite)
        {
            await portal.ResetSqlitePoolsAsync();
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(portal.ConnectionString).DataSource;
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(file + suffix);
            }

            return;
        }

        var name = new Npgsql.NpgsqlConnectionStringBuilder(portal.ConnectionString).Database;
        await using (var admin = new Npgsql.NpgsqlConnection(Environment.GetEnvironmentVariable("PORTAL_TEST_PG")))
        {
            await admin.OpenAsync();
            await using var command = admin.CreateCommand();
            command.CommandText = $"DROP DATABASE \"{name}\" WITH (FORCE)";
            await command.ExecuteNonQueryAsync();
        }

        // The host runs in this process: without this it would be handed a pooled, now dead, connection.
        Npgsql.NpgsqlConnection.ClearAllPools();
    }
}
