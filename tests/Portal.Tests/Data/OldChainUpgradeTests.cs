using System.Globalization;
using System.Reflection;
using System.Security.Claims;
using System.Xml.Linq;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Tests.Data.OldMigrations;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Data;

/// <summary>
/// A database made by the hand-written migrations (the demo's, an operator's) moves onto the
/// per-provider Baseline at start-up without losing a row, ends with the model's schema, takes later
/// migrations, and keeps its data-protection keys. Runs on the provider under test; test.sh runs both.
/// </summary>
public sealed class OldChainUpgradeTests
{
    private static readonly DateTime Then = new(2026, 11, 22, 10, 15, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_database_made_by_the_old_migrations_moves_onto_the_baseline_keeping_every_row()
    {
        var ct = TestContext.Current.CancellationToken;
        using var database = TestDatabase.Create();
        await using (var old = OldChain.CreateDb(database))
        {
            await old.Database.MigrateAsync(ct);
            await PutRowsAsync(old, ct);
        }

        var before = await ReadRowsAsync(database, null, ct);
        Assert.All(new[] { "Accounts", "Invoices", "UsageRecords", "AspNetUsers", "DataProtectionKeys" }, table => Assert.NotEmpty(before[table].Rows));

        await using (var portal = new PortalFactory())
        {
            portal.Settings["ConnectionStrings:Portal"] = database.ConnectionString;
            await portal.InitializeAsync();
            var (applied, pending, invoice) = await portal.WithDbAsync(async db => (
                (await db.Database.GetAppliedMigrationsAsync(ct)).ToList(),
                (await db.Database.GetPendingMigrationsAsync(ct)).ToList(),
                await db.Invoices.AsNoTracking().SingleAsync(i => i.ExternalId == "OLD-INV-1", ct)));
            Assert.Empty(pending);
            Assert.Contains(applied, id => id.EndsWith("_" + OldMigrationChain.BaselineName, StringComparison.Ordinal));
            Assert.Contains(OldChain.LastId, applied);
            // Read back through the model: the fixed-point amounts and UTC dates mean what they meant.
            Assert.Equal((1234.5m, 1000m, new DateOnly(2026, 12, 22)), (invoice.Total, invoice.OpenAmount, invoice.DueDate));
        }

        // ServiceCallComments is dropped on purpose by RequestsHubAndDisputes, which moves its rows into
        // the requests hub's thread (RequestMessages); every other table keeps every row.
        var kept = before.Where(t => t.Key != "ServiceCallComments").ToDictionary();
        var after = await ReadRowsAsync(database, kept, ct);
        foreach (var (table, rows) in kept)
        {
            var lost = rows.Rows.Except(after[table].Rows).ToList();
            Assert.True(lost.Count == 0, $"{table} lost {lost.Count} row(s): {string.Join(" | ", lost)}");
        }

        using (var created = TestDatabase.Create())
        {
            await using (var db = new PortalDb(PortalDbOptions.Create(created.Provider, created.ConnectionString)))
            {
                await SchemaReader.CreateFromModelAsync(db, ct);
            }

            var fromModel = await SchemaReader.ReadAsync(created, ct);
            var upgraded = await SchemaReader.ReadAsync(database, ct);
            Assert.Contains("table Accounts", fromModel);
            Assert.Equal(fromModel.Order(StringComparer.Ordinal), upgraded.Order(StringComparer.Ordinal));
        }

        // A migration added after the Baseline applies on top and keeps the rows.
        await using (var db = new PortalDb(new DbContextOptionsBuilder<PortalDb>(PortalDbOptions.Create(database.Provider, database.ConnectionString))
            .ReplaceService<IMigrationsAssembly, ProviderMigrationsWithProbe>().Options))
        {
            await db.Database.MigrateAsync(ct);
            Assert.Contains(ProbeAfterBaseline.Id, await db.Database.GetAppliedMigrationsAsync(ct));
            Assert.Equal("probed", await db.Database.SqlQueryRaw<string>("SELECT \"Note\" AS \"Value\" FROM \"ProbeAfterBaseline\"").SingleAsync(ct));
            Assert.Equal(before["Accounts"].Rows.Count, await db.Accounts.CountAsync(ct));
        }
    }

    [Fact]
    public async Task A_database_part_of_the_way_through_the_old_migrations_is_refused_and_left_as_it_was()
    {
        var ct = TestContext.Current.CancellationToken;
        using var database = TestDatabase.Create();
        await using (var old = OldChain.CreateDb(database))
        {
            await old.GetService<IMigrator>().MigrateAsync("20261122020000_InvoiceBranchIndex", ct);
        }

        await using var db = new PortalDb(PortalDbOptions.Create(database.Provider, database.ConnectionString));
        var appliedBefore = (await db.Database.GetAppliedMigrationsAsync(ct)).ToList();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => OldMigrationChain.MoveOntoBaselineAsync(db, ct));
        Assert.Contains("part of the way through the portal's old migrations", refused.Message, StringComparison.Ordinal);
        Assert.Contains(OldChain.LastId, refused.Message, StringComparison.Ordinal);

        // The app refuses to start on it rather than run the Baseline over half a schema.
        await using (var portal = new PortalFactory())
        {
            portal.Settings["ConnectionStrings:Portal"] = database.ConnectionString;
            var failed = await Assert.ThrowsAnyAsync<Exception>(async () => await portal.InitializeAsync());
            Assert.Contains(Flatten(failed), e => e.Message.Contains("part of the way", StringComparison.Ordinal));
        }

        Assert.Equal(appliedBefore, await db.Database.GetAppliedMigrationsAsync(ct));
    }

    [Fact]
    public async Task A_cookie_issued_with_a_key_from_the_old_key_store_still_reads_after_the_upgrade()
    {
        var ct = TestContext.Current.CancellationToken;
        using var database = TestDatabase.Create();
        await using (var old = OldChain.CreateDb(database))
        {
            await old.Database.MigrateAsync(ct);
        }

        // Sign-in cookie issued by the old release: its key made and kept by its own repository.
        string cookie;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("customer-portal");
        services.Configure<KeyManagementOptions>(options => options.XmlRepository = new OldDatabaseXmlRepository(database));
        await using (var issuer = services.BuildServiceProvider())
        {
            var protector = issuer.GetRequiredService<IDataProtectionProvider>()
                .CreateProtector("Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware", IdentityConstants.ApplicationScheme, "v2");
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "old@example.com")], IdentityConstants.ApplicationScheme);
            cookie = new TicketDataFormat(protector).Protect(new AuthenticationTicket(new ClaimsPrincipal(identity), IdentityConstants.ApplicationScheme));
        }

        var oldKeys = new OldDatabaseXmlRepository(database).GetAllElements();
        Assert.Single(oldKeys);

        await using var portal = new PortalFactory();
        portal.Settings["ConnectionStrings:Portal"] = database.ConnectionString;
        await portal.InitializeAsync();
        var cookieOptions = portal.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        var ticket = cookieOptions.TicketDataFormat.Unprotect(cookie);
        Assert.Equal("old@example.com", ticket?.Principal.Identity?.Name);
        // The old key was read, not replaced; and the new store writes beside it.
        Assert.Equal(1, await portal.WithDbAsync(db => db.DataProtectionKeys.CountAsync(ct)));
        portal.Services.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
        var stored = await portal.WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => new { k.Id, k.Xml }).ToListAsync(ct));
        Assert.Equal(2, stored.Count);
        Assert.True(stored[1].Id > stored[0].Id);
        Assert.Equal(oldKeys.Single().ToString(SaveOptions.DisableFormatting), stored[0].Xml);
    }

    private static async Task PutRowsAsync(PortalDb old, CancellationToken ct)
    {
        // Through SQL against the old schema, not the model: the model moves on, these tables do not.
        var db = old.Database;
        await db.ExecuteSqlRawAsync(
            """
            INSERT INTO "Accounts" ("ExternalId", "Number", "Name", "Currency", "BillDay", "Type", "BilledToParent", "PortalEnabled", "CreatedAt", "UpdatedAt")
            VALUES ('OLD-1', '90001', 'Made by the old migrations', 'USD', 1, 0, FALSE, TRUE, {0}, {0})
            """,
            [Then],
            ct);
        var accountId = await db.SqlQueryRaw<long>("SELECT \"Id\" AS \"Value\" FROM \"Accounts\" WHERE \"ExternalId\" = 'OLD-1'").SingleAsync(ct);
        await db.ExecuteSqlRawAsync(
            """
            INSERT INTO "Invoices" ("AccountId", "ExternalId", "Number", "IssueDate", "DueDate", "Currency", "Subtotal", "TaxTotal", "Total", "OpenAmount", "IsVoid", "CreatedAt", "UpdatedAt", "Version")
            VALUES ({0}, 'OLD-INV-1', 'INV-1', {1}, {2}, 'USD', 12345000, 0, 12345000, 10000000, FALSE, {3}, {3}, 1)
            """,
            [accountId, new DateOnly(2026, 11, 22), new DateOnly(2026, 12, 22), Then],
            ct);
        await db.ExecuteSqlRawAsync(
            """
            INSERT INTO "UsageRecords" ("AccountId", "ExternalId", "ProductCode", "OccurredAt", "Quantity", "Unit", "CreatedAt", "Month")
            VALUES ({0}, 'OLD-USE-1', 'DATA', {1}, 25000, 'GB', {1}, 202611)
            """,
            [accountId, Then],
            ct);
        await db.ExecuteSqlRawAsync(
            """
            INSERT INTO "AspNetUsers" ("Id", "IsStaff", "CreatedAt", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount", "Notifications")
            VALUES ('old-user', FALSE, {0}, 'old@example.com', 'OLD@EXAMPLE.COM', 'old@example.com', 'OLD@EXAMPLE.COM', TRUE, FALSE, FALSE, TRUE, 0, 31)
            """,
            [Then],
            ct);
        await db.ExecuteSqlRawAsync(
            "INSERT INTO \"DataProtectionKeys\" (\"FriendlyName\", \"Xml\") VALUES ('key-old', '<key id=\"00000000-0000-0000-0000-000000000001\" version=\"1\" />')",
            ct);
    }

    private sealed record TableRows(IReadOnlyList<string> Columns, List<string> Rows);

    /// <summary>Every row of every table, as text; after the upgrade, only the columns that were there before.</summary>
    private static async Task<Dictionary<string, TableRows>> ReadRowsAsync(TestDatabase database, Dictionary<string, TableRows>? columnsOf, CancellationToken ct)
    {
        await using var db = new PortalDb(PortalDbOptions.Create(database.Provider, database.ConnectionString));
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var tables = columnsOf?.Keys.ToList()
            ?? (await SchemaReader.ReadAsync(database, ct)).Where(line => line.StartsWith("table ", StringComparison.Ordinal)).Select(line => line["table ".Length..]).ToList();
        var result = new Dictionary<string, TableRows>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = columnsOf is null
                ? $"SELECT * FROM \"{table}\""
                : $"SELECT {string.Join(", ", columnsOf[table].Columns.Select(c => $"\"{c}\""))} FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync(ct);
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
            var rows = new List<string>();
            while (await reader.ReadAsync(ct))
            {
                rows.Add(string.Join(", ", columns.Select((column, i) => $"{column}={Text(reader.IsDBNull(i) ? null : reader.GetValue(i))}")));
            }

            result[table] = new TableRows(columns, rows);
        }

        await db.Database.CloseConnectionAsync();
        return result;
    }

    private static string Text(object? value) => value switch
    {
        null => "NULL",
        byte[] bytes => Convert.ToBase64String(bytes),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>The old release's key store (Data/DataProtectionKey.cs until 2026-11-30), over SQL.</summary>
    private sealed class OldDatabaseXmlRepository(TestDatabase database) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements()
        {
            using var db = new PortalDb(PortalDbOptions.Create(database.Provider, database.ConnectionString));
            return db.Database.SqlQueryRaw<string>("SELECT \"Xml\" AS \"Value\" FROM \"DataProtectionKeys\"").ToList().Select(XElement.Parse).ToList();
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            using var db = new PortalDb(PortalDbOptions.Create(database.Provider, database.ConnectionString));
            db.Database.ExecuteSqlRaw(
                "INSERT INTO \"DataProtectionKeys\" (\"FriendlyName\", \"Xml\") VALUES ({0}, {1})",
                friendlyName,
                element.ToString(SaveOptions.DisableFormatting));
        }
    }

    /// <summary>The portal's migrations for the provider, plus <see cref="ProbeAfterBaseline"/> after them.</summary>
    private sealed class ProviderMigrationsWithProbe(ICurrentDbContext currentContext, IMigrationsIdGenerator idGenerator, IDatabaseProvider provider) : IMigrationsAssembly
    {
        private readonly ProviderMigrationsAssembly _portal = new(currentContext, idGenerator, provider);

        public IReadOnlyDictionary<string, TypeInfo> Migrations =>
            new SortedList<string, TypeInfo>(_portal.Migrations.Append(KeyValuePair.Create(ProbeAfterBaseline.Id, typeof(ProbeAfterBaseline).GetTypeInfo())).ToDictionary(), StringComparer.Ordinal);

        public ModelSnapshot? ModelSnapshot => _portal.ModelSnapshot;

        public Assembly Assembly => _portal.Assembly;

        public string? FindMigrationId(string nameOrId) => Migrations.Keys.FirstOrDefault(id => id == nameOrId || id.EndsWith("_" + nameOrId, StringComparison.Ordinal));

        public Migration CreateMigration(TypeInfo migrationClass, string activeProvider) => _portal.CreateMigration(migrationClass, activeProvider);
    }

    /// <summary>Stands for the next real migration: a table and a row. No [DbContext]: nothing scans for it.</summary>
    [Migration(Id)]
    private sealed class ProbeAfterBaseline : Migration
    {
        public const string Id = "99991231235959_ProbeAfterBaseline";

        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ProbeAfterBaseline",
                columns: table => new { Note = table.Column<string>(maxLength: 20, nullable: false) },
                constraints: table => table.PrimaryKey("PK_ProbeAfterBaseline", x => x.Note));
            migrationBuilder.Sql("INSERT INTO \"ProbeAfterBaseline\" (\"Note\") VALUES ('probed')");
        }
    }
}
