using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Data.OldMigrations;

/// <summary>
/// The hand-written migrations the portal shipped until 2026-11-30, copied here unchanged (but for
/// the namespace) to make a database as an operator's or the demo's is today: the upgrade tests start
/// from one. C# rather than a saved SQL script, so that they run through EF's own migrator on either
/// provider exactly as the app ran them (history rows, provider branches such as the Month backfill).
/// The app never sees them: its migrations assembly is Portal, namespace Portal.Data.Migrations.*.
/// </summary>
internal static class OldChain
{
    public const string LastId = "20261122030000_UsageMonthIndex";

    public static PortalDb CreateDb(TestDatabase database) =>
        new(new DbContextOptionsBuilder<PortalDb>(PortalDbOptions.Create(database.Provider, database.ConnectionString))
            .ReplaceService<IMigrationsAssembly, OldChainMigrationsAssembly>()
            .Options);

    private sealed class OldChainMigrationsAssembly(ICurrentDbContext currentContext, IMigrationsIdGenerator idGenerator)
        : NamespacedMigrationsAssembly(currentContext, idGenerator, typeof(OldChain).Assembly, typeof(OldChain).Namespace!);
}
