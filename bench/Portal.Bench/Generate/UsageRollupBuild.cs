using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Usage;
using Portal.Infrastructure;

namespace Portal.Bench.Generate;

/// <summary>
/// Builds the daily usage rollup (ADR 0014) of every account in the operator's zone, as the portal's
/// worker would after the migration, so that a measurement starts from a built rollup instead of
/// timing the portal while it builds one. Used at the end of <c>generate</c>, and by <c>rollup</c> for
/// a database generated before the rollup existed.
/// </summary>
internal static class UsageRollupBuild
{
    public static async Task<int> RunAsync(DatabaseProvider provider, string connection)
    {
        var clock = Stopwatch.StartNew();
        var options = PortalDbOptions.Create(provider, connection);
        await using var db = new PortalDb(options);
        await db.Database.MigrateAsync();
        var zoneId = await db.OperatorSettings.Select(s => s.TimeZoneId).FirstOrDefaultAsync() ?? OperatorDefaults.TimeZoneId;
        var zone = OperatorClock.FindZone(zoneId);
        var accounts = await db.Accounts.OrderBy(a => a.Id).Select(a => a.Id).ToListAsync();
        var built = 0;
        foreach (var id in accounts)
        {
            if (await UsageRollup.RebuildAsync(db, id, zone, DateTime.UtcNow, CancellationToken.None))
            {
                built++;
            }

            db.ChangeTracker.Clear();
            if (built % 1000 == 0 && built > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  usage rollup: {built:N0} accounts in {clock.Elapsed.TotalSeconds:F1} s"));
            }
        }

        var rows = await db.UsageDays.LongCountAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"usage rollup: {built:N0} accounts, {rows:N0} day rows, in {zone.Id}, in {clock.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }
}
