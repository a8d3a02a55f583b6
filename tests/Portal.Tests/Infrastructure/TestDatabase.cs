using Npgsql;
using Portal.Data;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Where a test host keeps its data. The suite runs once per provider: PORTAL_TEST_DB=Sqlite (the
/// default) or Postgres, with PORTAL_TEST_PG the server's connection string (test.sh sets both).
/// Each host gets a database of its own, so tests never see each other's writes across hosts.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string? _sqliteFile;
    private readonly string? _postgresName;
    private readonly string? _postgresAdmin;

    private TestDatabase(DatabaseProvider provider, string connectionString, string? sqliteFile, string? postgresName, string? postgresAdmin)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _sqliteFile = sqliteFile;
        _postgresName = postgresName;
        _postgresAdmin = postgresAdmin;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public static DatabaseProvider ProviderUnderTest =>
        string.Equals(Environment.GetEnvironmentVariable("PORTAL_TEST_DB"), "Postgres", StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Postgres
            : DatabaseProvider.Sqlite;

    public static TestDatabase Create()
    {
        if (ProviderUnderTest == DatabaseProvider.Sqlite)
        {
            var file = Path.Combine(Path.GetTempPath(), $"portal-test-{Guid.NewGuid():N}.db");
            return new TestDatabase(DatabaseProvider.Sqlite, $"Data Source={file}", file, null, null);
        }

        // A missing server is a failure, never a skip: test.sh starts PostgreSQL before the run.
        var admin = Environment.GetEnvironmentVariable("PORTAL_TEST_PG")
            ?? throw new InvalidOperationException("PORTAL_TEST_DB=Postgres needs PORTAL_TEST_PG (a connection string to a server where the user may create databases). Run ./test.sh.");
        var name = $"portal_test_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(admin))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            command.ExecuteNonQuery();
        }

        // The server's detail in error messages (which row, which lock): a failure on CI says what it met.
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name, IncludeErrorDetail = true };
        return new TestDatabase(DatabaseProvider.Postgres, builder.ConnectionString, null, name, admin);
    }

    public void Dispose()
    {
        if (_sqliteFile is not null)
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                try
                {
                    File.Delete(_sqliteFile + suffix);
                }
                catch (IOException)
                {
                    // A file still held open by a pooled connection is left for the OS temp cleaner.
                }
            }
        }

        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(_postgresAdmin);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)";
            // FORCE may only end our own role's connections: an autovacuum worker visiting the fresh
            // database (42501) or one still closing (55006) makes the drop wait, never the test fail.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    command.ExecuteNonQuery();
                    return;
                }
                catch (PostgresException e) when (e.SqlState is "42501" or "55006" && attempt < 20)
                {
                    Thread.Sleep(250);
                }
            }
        }
    }
}
