using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Data;

/// <summary>
/// The model, the migrations and their snapshots agree. EF compares the model with each provider's
/// snapshot (a forgotten migration); the drift test compares the database the migrations make with
/// the one the model makes (a hand edit to a migration, a filter or check written differently), on
/// the provider under test; test.sh runs the suite on both.
/// </summary>
public sealed class SchemaDriftTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public void The_model_has_no_change_that_a_migration_lacks(DatabaseProvider provider)
    {
        // Compares the model with the provider's snapshot only: no database is opened.
        using var db = new DesignTimePortalDbFactory().CreateDbContext(["--provider", provider.ToString()]);
        Assert.False(
            db.Database.HasPendingModelChanges(),
            $"The model has changes that the {provider} migrations lack: run tools/add-migration.sh NAME (docs/migrations.md).");
    }

    [Fact]
    public async Task Migrations_create_the_same_schema_as_the_model()
    {
        var ct = TestContext.Current.CancellationToken;
        using var migrated = TestDatabase.Create();
        using var created = TestDatabase.Create();
        await using (var db = new PortalDb(PortalDbOptions.Create(migrated.Provider, migrated.ConnectionString)))
        {
            await db.Database.MigrateAsync(ct);
        }

        await using (var db = new PortalDb(PortalDbOptions.Create(created.Provider, created.ConnectionString)))
        {
            await SchemaReader.CreateFromModelAsync(db, ct);
        }

        var fromMigrations = await SchemaReader.ReadAsync(migrated, ct);
        var fromModel = await SchemaReader.ReadAsync(created, ct);

        // Guards the comparison itself: an empty read on both sides would compare equal.
        Assert.Contains("table Accounts", fromModel);
        Assert.Contains(fromModel, line => line.StartsWith("foreign key Invoices", StringComparison.Ordinal));
        Assert.Contains(fromModel, line => line.StartsWith("check Invoices", StringComparison.Ordinal));
        Assert.Contains(fromModel, line => line.StartsWith("index Invoices", StringComparison.Ordinal) && line.Contains("where", StringComparison.OrdinalIgnoreCase));

        var missing = fromModel.Except(fromMigrations).Order(StringComparer.Ordinal).ToList();
        var extra = fromMigrations.Except(fromModel).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"The migrations and the model disagree on {migrated.Provider}. A migration was edited by hand, or a filter or check is written differently from the model: see docs/migrations.md.");
            report.AppendLine("In the model, missing from the migrated database:");
            missing.ForEach(line => report.AppendLine("  + " + line));
            report.AppendLine("In the migrated database, not in the model:");
            extra.ForEach(line => report.AppendLine("  - " + line));
            Assert.Fail(report.ToString());
        }
    }
}
