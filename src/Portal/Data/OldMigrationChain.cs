using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Portal.Data;

/// <summary>
/// Databases made before 2026-11-30 carry the hand-written migrations in their history, and the
/// per-provider sets start from a Baseline that creates the same schema from nothing. A database at
/// the end of the old chain already has that schema, so the Baseline is recorded as applied (nothing
/// runs, no row moves) and later migrations apply on top. One part of the way through the old chain,
/// it would be missing tables the Baseline assumes: that is refused (docs/migrations.md).
/// </summary>
public static class OldMigrationChain
{
    public const string BaselineName = "Baseline";

    /// <summary>The hand-written migrations, in order; the last one's schema is the Baseline's.</summary>
    public static readonly IReadOnlyList<string> Ids =
    [
        "20261121000000_Foundation",
        "20261122000100_InvoiceIndexes",
        "20261122000200_WebhooksAndDelivery",
        "20261122000300_UsageAndCatalog",
        "20261122000400_Invitations",
        "20261122000500_SessionsAndTwoFactor",
        "20261122010000_PartialIndexFilters",
        "20261122020000_InvoiceBranchIndex",
        "20261122030000_UsageMonthIndex",
    ];

    /// <summary>Run before <c>Migrate</c>: records the Baseline on a database the old chain made, in one transaction.</summary>
    public static async Task MoveOntoBaselineAsync(PortalDb db, CancellationToken ct = default)
    {
        var history = db.GetService<IHistoryRepository>();
        if (!await history.ExistsAsync(ct))
        {
            return;
        }

        var baselineId = db.GetService<IMigrationsAssembly>().FindMigrationId(BaselineName)
            ?? throw new InvalidOperationException("The migrations have no Baseline.");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var applied = (await history.GetAppliedMigrationsAsync(ct)).Select(row => row.MigrationId).ToHashSet(StringComparer.Ordinal);
        if (applied.Contains(baselineId) || !applied.Overlaps(Ids))
        {
            return;
        }

        var missing = Ids.Where(id => !applied.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"This database is part of the way through the portal's old migrations: it lacks {string.Join(", ", missing)}. " +
                $"Start the last release with the old migrations (up to {Ids[^1]}) on it once, so that it completes them, then start this one. Nothing was changed.");
        }

        // ON CONFLICT: several instances starting at once on PostgreSQL may all get here; one row results.
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ({0}, {1}) ON CONFLICT DO NOTHING",
            [baselineId, ProductInfo.GetVersion()],
            ct);
        await transaction.CommitAsync(ct);
    }
}
