using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Infrastructure;

namespace Portal.Features.Usage;

/// <summary>
/// One account's usage of one product, in one unit, by one identifier, invoiced or not, on one local day
/// of the operator's time zone: the sum and count of those records. The usage page's totals, chart and
/// choices read these (a few thousand rows for the largest account's period) instead of grouping the
/// period's records (forty thousand) on every request. Kept by the ingest in the same transaction as
/// the records (<see cref="UsageRollup"/>).
/// </summary>
public sealed class UsageDay
{
    public long AccountId { get; set; }

    public DateOnly Day { get; set; }

    public required string ProductCode { get; set; }

    public required string Unit { get; set; }

    /// <summary>The records' identifier, or "" for records without one (a key column cannot be NULL).</summary>
    public required string Identifier { get; set; }

    public bool Invoiced { get; set; }

    public decimal Quantity { get; set; }

    public long Records { get; set; }
}

/// <summary>
/// The same day without the identifier: one account's usage of one product, in one unit, invoiced or not,
/// on one local day (the sum of its <see cref="UsageDay"/> rows). The page's totals per product and its
/// chart read these: a few hundred rows for the largest account's period, where the identifier level
/// holds thousands. Kept beside <see cref="UsageDay"/>, by the same writes in the same transaction.
/// </summary>
public sealed class UsageDayTotal
{
    public long AccountId { get; set; }

    public DateOnly Day { get; set; }

    public required string ProductCode { get; set; }

    public required string Unit { get; set; }

    public bool Invoiced { get; set; }

    public decimal Quantity { get; set; }

    public long Records { get; set; }
}

/// <summary>
/// One identifier of one product that an account used in one local month (yyyymm of the operator's zone),
/// with the first and the last local day of that month it was used on: where the usage page's identifier
/// choices come from. A billing period meets each month it spans in a prefix or a suffix of it (it starts
/// on the bill day and ends the day before the next), so "used in the period" is exactly "first day on or
/// before the period's end" for the month it ends in and "last day on or after its start" for the month it
/// starts in: a read of a few hundred rows, where a distinct over the identifier level of the period reads
/// thousands (a quarter of the page's CPU for the largest account). Kept by the same writes as the days,
/// in the same transaction; records without an identifier have no row.
/// </summary>
public sealed class UsageIdentifierMonth
{
    public long AccountId { get; set; }

    public int Month { get; set; }

    public required string ProductCode { get; set; }

    public required string Identifier { get; set; }

    public DateOnly FirstDay { get; set; }

    public DateOnly LastDay { get; set; }
}

/// <summary>
/// Which time zone an account's <see cref="UsageDay"/> rows are cut in, or none yet. The page reads the
/// rollup only when this is the operator's zone now; otherwise it groups the records as before while
/// <see cref="UsageRollupWorker"/> rebuilds the account. The row is also the lock that orders an ingest
/// against a rebuild of the same account (<see cref="UsageRollup.LockAccountsAsync"/>).
/// </summary>
public sealed class UsageRollupAccount
{
    public long AccountId { get; set; }

    public string? ZoneId { get; set; }

    public DateTime? BuiltAt { get; set; }
}

internal sealed class UsageDayConfiguration : IEntityTypeConfiguration<UsageDay>
{
    public void Configure(EntityTypeBuilder<UsageDay> b)
    {
        // The key leads with (AccountId, Day): a period of one account is one index range.
        b.HasKey(d => new { d.AccountId, d.Day, d.ProductCode, d.Unit, d.Identifier, d.Invoiced });
        b.Property(d => d.ProductCode).HasMaxLength(50);
        b.Property(d => d.Unit).HasMaxLength(20);
        b.Property(d => d.Identifier).HasMaxLength(100);
        b.HasOne<Account>().WithMany().HasForeignKey(d => d.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class UsageDayTotalConfiguration : IEntityTypeConfiguration<UsageDayTotal>
{
    public void Configure(EntityTypeBuilder<UsageDayTotal> b)
    {
        // As UsageDay's key, without the identifier: a period of one account is one index range.
        b.HasKey(d => new { d.AccountId, d.Day, d.ProductCode, d.Unit, d.Invoiced });
        b.Property(d => d.ProductCode).HasMaxLength(50);
        b.Property(d => d.Unit).HasMaxLength(20);
        b.HasOne<Account>().WithMany().HasForeignKey(d => d.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class UsageIdentifierMonthConfiguration : IEntityTypeConfiguration<UsageIdentifierMonth>
{
    public void Configure(EntityTypeBuilder<UsageIdentifierMonth> b)
    {
        // An account's months are one index range; a period reads one or two of them.
        b.HasKey(m => new { m.AccountId, m.Month, m.ProductCode, m.Identifier });
        b.Property(m => m.ProductCode).HasMaxLength(50);
        b.Property(m => m.Identifier).HasMaxLength(100);
        b.HasOne<Account>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class UsageRollupAccountConfiguration : IEntityTypeConfiguration<UsageRollupAccount>
{
    public void Configure(EntityTypeBuilder<UsageRollupAccount> b)
    {
        b.HasKey(s => s.AccountId);
        b.Property(s => s.AccountId).ValueGeneratedNever();
        b.Property(s => s.ZoneId).HasMaxLength(100);
        b.HasIndex(s => s.ZoneId);
        b.HasOne<Account>().WithMany().HasForeignKey(s => s.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>
/// Keeps <see cref="UsageDay"/>: the ingest adds what it inserted (<see cref="AddAsync"/>) after locking the
/// accounts' <see cref="UsageRollupAccount"/> rows (<see cref="LockAccountsAsync"/>); a rebuild
/// (<see cref="RebuildAsync"/>) recuts one account in the operator's current zone. The ordering that
/// keeps them exact on PostgreSQL: the ingest takes a share lock on each account's row before it
/// inserts records, and a rebuild takes the row for update before it reads them, so a rebuild either
/// sees a batch committed or the batch waits and then adds itself in the rebuilt zone. On SQLite every
/// write transaction is serial, which gives the same.
/// </summary>
public static class UsageRollup
{
    /// <summary>One record's contribution, as the ingest and the rebuild see it.</summary>
    public readonly record struct Contribution(long AccountId, DateTime OccurredAt, string ProductCode, string Unit, string? Identifier, bool Invoiced, decimal Quantity);

    private readonly record struct Key(long AccountId, DateOnly Day, string ProductCode, string Unit, string Identifier, bool Invoiced);

    private const string Upsert = """
        INSERT INTO "UsageDays" ("AccountId", "Day", "ProductCode", "Unit", "Identifier", "Invoiced", "Quantity", "Records")
        """;

    private const string OnConflict = """
         ON CONFLICT ("AccountId", "Day", "ProductCode", "Unit", "Identifier", "Invoiced")
        DO UPDATE SET "Quantity" = "UsageDays"."Quantity" + excluded."Quantity", "Records" = "UsageDays"."Records" + excluded."Records"
        """;

    private const string UpsertTotal = """
        INSERT INTO "UsageDayTotals" ("AccountId", "Day", "ProductCode", "Unit", "Invoiced", "Quantity", "Records")
        """;

    private const string OnConflictTotal = """
         ON CONFLICT ("AccountId", "Day", "ProductCode", "Unit", "Invoiced")
        DO UPDATE SET "Quantity" = "UsageDayTotals"."Quantity" + excluded."Quantity", "Records" = "UsageDayTotals"."Records" + excluded."Records"
        """;

    /// <summary>
    /// Inside the ingest's transaction, before its records are inserted: makes sure each account has its
    /// rollup row, holds it against a concurrent rebuild, and returns the zone each stamped account's
    /// rollup is cut in (an account without one gets no increments; the worker builds it whole).
    /// </summary>
    public static async Task<Dictionary<long, TimeZoneInfo>> LockAccountsAsync(PortalDb db, IEnumerable<long> accountIds, CancellationToken ct)
    {
        var ids = accountIds.Distinct().Order().ToArray();
        var zones = new Dictionary<long, TimeZoneInfo>();
        if (ids.Length == 0)
        {
            return zones;
        }

        await EnsureRowsAsync(db, ids, ct);
        // In account order on PostgreSQL, so two batches over the same accounts wait for each other instead of deadlocking.
        await using var command = Command(
            db,
            ids,
            """SELECT "AccountId", "ZoneId" FROM "UsageRollupAccounts" WHERE "AccountId" = ANY(@ids) ORDER BY "AccountId" FOR SHARE""",
            $"""SELECT "AccountId", "ZoneId" FROM "UsageRollupAccounts" WHERE "AccountId" IN ({string.Join(", ", ids.Select(id => id.ToString(CultureInfo.InvariantCulture)))})""");
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (!reader.IsDBNull(1))
            {
                zones[reader.GetInt64(0)] = OperatorClock.FindZone(reader.GetString(1));
            }
        }

        return zones;
    }

    /// <summary>
    /// Inserts the accounts' rollup rows that do not exist yet (unbuilt), in account order, inside the
    /// caller's transaction.
    /// </summary>
    public static async Task EnsureRowsAsync(PortalDb db, long[] ids, CancellationToken ct)
    {
        await using var command = Command(
            db,
            ids,
            """INSERT INTO "UsageRollupAccounts" ("AccountId") SELECT unnest(@ids) ON CONFLICT DO NOTHING""",
            $"""INSERT INTO "UsageRollupAccounts" ("AccountId") VALUES {string.Join(", ", ids.Select(id => string.Create(CultureInfo.InvariantCulture, $"({id})")))} ON CONFLICT DO NOTHING""");
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A command in the caller's transaction: PostgreSQL's text with the ids as the array @ids, or SQLite's with them inlined.</summary>
    private static DbCommand Command(PortalDb db, long[] ids, string postgres, string sqlite)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("The rollup is kept inside the caller's transaction.");
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction;
        if (db.Database.IsNpgsql())
        {
            command.CommandText = postgres;
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = ids });
        }
        else
        {
            command.CommandText = sqlite;
        }

        return command;
    }

    /// <summary>Adds newly inserted records to the days of the accounts in <paramref name="zones"/> (the others are not built yet).</summary>
    public static async Task AddAsync(PortalDb db, IEnumerable<Contribution> inserted, IReadOnlyDictionary<long, TimeZoneInfo> zones, CancellationToken ct)
    {
        var sums = Sum(inserted.Where(c => zones.ContainsKey(c.AccountId)), id => zones[id]);
        await WriteAsync(db, sums, ct);
    }

    /// <summary>
    /// Recuts one account's days in <paramref name="zone"/>, in one transaction, unless they already are
    /// (another instance got there first): false then, and nothing is written.
    /// </summary>
    public static async Task<bool> RebuildAsync(PortalDb db, long accountId, TimeZoneInfo zone, DateTime now, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await EnsureRowsAsync(db, [accountId], ct);

            // The claim and the lock in one: a concurrent ingest of this account holds a share lock on the
            // row until it commits, so the records read below include its batch.
            var claimed = await db.UsageRollupAccounts
                .Where(s => s.AccountId == accountId && (s.ZoneId == null || s.ZoneId != zone.Id))
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.ZoneId, zone.Id).SetProperty(s => s.BuiltAt, now), ct);
            if (claimed == 0)
            {
                return false;
            }

            await db.UsageDays.Where(d => d.AccountId == accountId).ExecuteDeleteAsync(ct);
            await db.UsageDayTotals.Where(d => d.AccountId == accountId).ExecuteDeleteAsync(ct);
            await db.UsageIdentifierMonths.Where(m => m.AccountId == accountId).ExecuteDeleteAsync(ct);
            var first = await db.UsageRecords.MinAsync(u => (int?)u.Month, ct);
            var last = await db.UsageRecords.MaxAsync(u => (int?)u.Month, ct);
            if (first is not null && last is not null)
            {
                var months = MonthsBetween(first.Value, last.Value);
                // Streamed and summed as it comes: the largest account has half a million records.
                var records = db.UsageRecords.AsNoTracking()
                    .Where(u => months.Contains(u.Month) && u.AccountId == accountId)
                    .Select(u => new { u.OccurredAt, u.ProductCode, u.Unit, u.Identifier, Invoiced = u.InvoiceId != null, u.Quantity })
                    .AsAsyncEnumerable();
                var sums = NewSums();
                await foreach (var r in records.WithCancellation(ct))
                {
                    Accumulate(sums, new Contribution(accountId, r.OccurredAt, r.ProductCode, r.Unit, r.Identifier, r.Invoiced, r.Quantity), zone);
                }

                await WriteAsync(db, sums, ct);
            }

            await tx.CommitAsync(ct);
            return true;
        });
    }

    /// <summary>
    /// The period's slices from the rollup, or null when the account's rollup is not cut in
    /// <paramref name="zone"/> (not built yet, or the operator changed the zone and it is being rebuilt).
    /// With <paramref name="byIdentifier"/> false the slices come from the level without the identifier
    /// (their <see cref="UsageSummary.Slice.Identifier"/> is null): what totals per product and the chart need.
    /// </summary>
    public static async Task<List<UsageSummary.Slice>?> SlicesAsync(PortalDb db, long accountId, BillingPeriod period, TimeZoneInfo zone, bool byIdentifier, CancellationToken ct)
    {
        var stamped = await StampQuery(db, accountId, ct);
        if (stamped != zone.Id)
        {
            return null;
        }

        var slices = new List<UsageSummary.Slice>();
        var query = byIdentifier ? SlicesQuery(db, accountId, period.Start, period.LastDay) : TotalSlicesQuery(db, accountId, period.Start, period.LastDay);
        await foreach (var slice in query.WithCancellation(ct))
        {
            slices.Add(slice);
        }

        return slices;
    }

    /// <summary>
    /// The products and identifiers that have usage in the period (the identifier filter's choices), from
    /// the identifier level: a distinct over its index range, a few hundred pairs instead of its thousands of rows.
    /// Only for an account whose rollup is current (after SlicesAsync answered).
    /// </summary>
    public static async Task<List<(string Product, string Identifier)>> IdentifiersAsync(PortalDb db, long accountId, BillingPeriod period, CancellationToken ct)
    {
        var pairs = new List<(string, string)>();
        if (MeetsEveryMonthAtAnEnd(period.Start, period.LastDay))
        {
            // Each month's part of the period is a prefix or a suffix of it (always so for a billing period), so
            // an identifier was used in the period exactly when, in one of its months, its first day there is on
            // or before the period's last day and its last day there on or after the period's first: in the
            // month the period starts in only the second can fail, in the month it ends in only the first, and
            // a month in between passes both.
            await foreach (var pair in IdentifierMonthsQuery(db, accountId, MonthKey(period.Start), MonthKey(period.LastDay), period.Start, period.LastDay).WithCancellation(ct))
            {
                pairs.Add((pair.ProductCode, pair.Identifier));
            }

            return pairs;
        }

        // A range that lies inside a month without touching either end (not a billing period): the days themselves.
        await foreach (var pair in IdentifiersQuery(db, accountId, period.Start, period.LastDay).WithCancellation(ct))
        {
            pairs.Add((pair.ProductCode, pair.Identifier));
        }

        return pairs;
    }

    /// <summary>The local month a day is in, as yyyymm (the key of <see cref="UsageIdentifierMonth"/>).</summary>
    public static int MonthKey(DateOnly day) => (day.Year * 100) + day.Month;

    /// <summary>True when every month the range touches is met from its first day, or up to its last day, or both.</summary>
    private static bool MeetsEveryMonthAtAnEnd(DateOnly first, DateOnly last)
    {
        for (var monthStart = new DateOnly(first.Year, first.Month, 1); monthStart <= last; monthStart = monthStart.AddMonths(1))
        {
            var monthEnd = monthStart.AddMonths(1).AddDays(-1);
            if (first > monthStart && last < monthEnd)
            {
                return false;
            }
        }

        return true;
    }

    // Compiled: the overview's usage tile runs both on every view (issue 16).
    private static readonly Func<PortalDb, long, CancellationToken, Task<string?>> StampQuery =
        EF.CompileAsyncQuery((PortalDb db, long accountId, CancellationToken ct) =>
            db.UsageRollupAccounts.AsNoTracking().Where(s => s.AccountId == accountId).Select(s => s.ZoneId).FirstOrDefault());

    private static readonly Func<PortalDb, long, DateOnly, DateOnly, IAsyncEnumerable<UsageSummary.Slice>> SlicesQuery =
        EF.CompileAsyncQuery((PortalDb db, long accountId, DateOnly first, DateOnly last) =>
            db.UsageDays.AsNoTracking()
                .Where(d => d.AccountId == accountId && d.Day >= first && d.Day <= last)
                .Select(d => new UsageSummary.Slice(d.ProductCode, d.Identifier == "" ? null : d.Identifier, d.Unit, d.Day, d.Invoiced, d.Quantity, (int)d.Records)));

    private static readonly Func<PortalDb, long, DateOnly, DateOnly, IAsyncEnumerable<UsageSummary.Slice>> TotalSlicesQuery =
        EF.CompileAsyncQuery((PortalDb db, long accountId, DateOnly first, DateOnly last) =>
            db.UsageDayTotals.AsNoTracking()
                .Where(d => d.AccountId == accountId && d.Day >= first && d.Day <= last)
                .Select(d => new UsageSummary.Slice(d.ProductCode, null, d.Unit, d.Day, d.Invoiced, d.Quantity, (int)d.Records)));

    private static readonly Func<PortalDb, long, DateOnly, DateOnly, IAsyncEnumerable<IdentifierPair>> IdentifiersQuery =
        EF.CompileAsyncQuery((PortalDb db, long accountId, DateOnly first, DateOnly last) =>
            db.UsageDays.AsNoTracking()
                .Where(d => d.AccountId == accountId && d.Day >= first && d.Day <= last && d.Identifier != "")
                .Select(d => new IdentifierPair { ProductCode = d.ProductCode, Identifier = d.Identifier })
                .Distinct());

    private static readonly Func<PortalDb, long, int, int, DateOnly, DateOnly, IAsyncEnumerable<IdentifierPair>> IdentifierMonthsQuery =
        EF.CompileAsyncQuery((PortalDb db, long accountId, int firstMonth, int lastMonth, DateOnly firstDay, DateOnly lastDay) =>
            db.UsageIdentifierMonths.AsNoTracking()
                .Where(m => m.AccountId == accountId && m.Month >= firstMonth && m.Month <= lastMonth && m.FirstDay <= lastDay && m.LastDay >= firstDay)
                .Select(m => new IdentifierPair { ProductCode = m.ProductCode, Identifier = m.Identifier })
                .Distinct());

    private sealed class IdentifierPair
    {
        public string ProductCode { get; init; } = "";

        public string Identifier { get; init; } = "";
    }

    /// <summary>
    /// The local day a UTC instant falls on, by the same day starts the page's record query uses
    /// (<see cref="BillingPeriod.DayStartUtc"/>), so that the rollup and a grouping of the records agree
    /// even on a day whose midnight a daylight-saving change skips.
    /// </summary>
    public static DateOnly LocalDay(DateTime utc, TimeZoneInfo zone)
    {
        var day = DateOnly.FromDateTime(OperatorClock.ToLocal(utc, zone));
        if (utc < BillingPeriod.DayStartUtc(day, zone))
        {
            return day.AddDays(-1);
        }

        return utc >= BillingPeriod.DayStartUtc(day.AddDays(1), zone) ? day.AddDays(1) : day;
    }

    private static int[] MonthsBetween(int first, int last)
    {
        var months = new List<int>();
        for (var month = new DateOnly(first / 100, first % 100, 1); (month.Year * 100) + month.Month <= last; month = month.AddMonths(1))
        {
            months.Add((month.Year * 100) + month.Month);
        }

        return [.. months];
    }

    private static SortedDictionary<Key, (decimal Quantity, long Records)> Sum(IEnumerable<Contribution> contributions, Func<long, TimeZoneInfo> zoneOf)
    {
        var sums = NewSums();
        foreach (var c in contributions)
        {
            Accumulate(sums, c, zoneOf(c.AccountId));
        }

        return sums;
    }

    // Sorted by key, so concurrent batches update shared rows in the same order (no deadlock on PostgreSQL).
    private static SortedDictionary<Key, (decimal Quantity, long Records)> NewSums() => new(KeyOrder.Instance);

    private static void Accumulate(SortedDictionary<Key, (decimal Quantity, long Records)> sums, Contribution c, TimeZoneInfo zone)
    {
        var key = new Key(c.AccountId, LocalDay(c.OccurredAt, zone), c.ProductCode, c.Unit, c.Identifier ?? "", c.Invoiced);
        sums[key] = sums.TryGetValue(key, out var sum) ? (sum.Quantity + c.Quantity, sum.Records + 1) : (c.Quantity, 1);
    }

    private static async Task WriteAsync(PortalDb db, SortedDictionary<Key, (decimal Quantity, long Records)> sums, CancellationToken ct)
    {
        if (sums.Count == 0)
        {
            return;
        }

        await WriteLevelAsync(db, sums, withIdentifier: true, ct);
        // The level without the identifier: the same sums added up over the identifiers, in key order too.
        var totals = new SortedDictionary<Key, (decimal Quantity, long Records)>(KeyOrder.Instance);
        foreach (var (key, sum) in sums)
        {
            var total = key with { Identifier = "" };
            totals[total] = totals.TryGetValue(total, out var t) ? (t.Quantity + sum.Quantity, t.Records + sum.Records) : sum;
        }

        await WriteLevelAsync(db, totals, withIdentifier: false, ct);
        await WriteIdentifierMonthsAsync(db, sums, ct);
    }

    private const string UpsertIdentifierMonth = """
        INSERT INTO "UsageIdentifierMonths" ("AccountId", "Month", "ProductCode", "Identifier", "FirstDay", "LastDay")
        """;

    // SQLite compares the yyyy-MM-dd text of two days in date order; PostgreSQL has LEAST and GREATEST for min and max of two.
    private const string OnConflictIdentifierMonth = """
         ON CONFLICT ("AccountId", "Month", "ProductCode", "Identifier")
        DO UPDATE SET "FirstDay" = {0}("UsageIdentifierMonths"."FirstDay", excluded."FirstDay"), "LastDay" = {1}("UsageIdentifierMonths"."LastDay", excluded."LastDay")
        """;

    /// <summary>
    /// Widens each (account, month, product, identifier)'s first and last day by the days in <paramref name="sums"/>,
    /// in key order (as the days are), in the caller's transaction.
    /// </summary>
    private static async Task WriteIdentifierMonthsAsync(PortalDb db, SortedDictionary<Key, (decimal Quantity, long Records)> sums, CancellationToken ct)
    {
        var spans = new SortedDictionary<(long AccountId, int Month, string Product, string Identifier), (DateOnly First, DateOnly Last)>(IdentifierMonthOrder.Instance);
        foreach (var key in sums.Keys)
        {
            if (key.Identifier.Length == 0)
            {
                continue;
            }

            var span = (key.AccountId, MonthKey(key.Day), key.ProductCode, key.Identifier);
            spans[span] = spans.TryGetValue(span, out var s)
                ? (key.Day < s.First ? key.Day : s.First, key.Day > s.Last ? key.Day : s.Last)
                : (key.Day, key.Day);
        }

        if (spans.Count == 0)
        {
            return;
        }

        var keys = spans.Keys.ToArray();
        var days = spans.Values.ToArray();
        var (min, max) = db.Database.IsNpgsql() ? ("LEAST", "GREATEST") : ("min", "max");
        await UpsertRowsAsync(
            db,
            UpsertIdentifierMonth,
            string.Format(CultureInfo.InvariantCulture, OnConflictIdentifierMonth, min, max),
            keys.Length,
            [
                new("a", NpgsqlDbType.Bigint, i => keys[i].AccountId, i => keys[i].AccountId),
                new("m", NpgsqlDbType.Integer, i => keys[i].Month, i => keys[i].Month),
                new("p", NpgsqlDbType.Varchar, i => keys[i].Product, i => keys[i].Product),
                new("i", NpgsqlDbType.Varchar, i => keys[i].Identifier, i => keys[i].Identifier),
                new("f", NpgsqlDbType.Date, i => days[i].First, i => days[i].First.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                new("l", NpgsqlDbType.Date, i => days[i].Last, i => days[i].Last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            ],
            ct);
    }

    private sealed class IdentifierMonthOrder : IComparer<(long AccountId, int Month, string Product, string Identifier)>
    {
        public static readonly IdentifierMonthOrder Instance = new();

        public int Compare((long AccountId, int Month, string Product, string Identifier) x, (long AccountId, int Month, string Product, string Identifier) y)
        {
            var c = x.AccountId.CompareTo(y.AccountId);
            if (c == 0)
            {
                c = x.Month.CompareTo(y.Month);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(x.Product, y.Product);
            }

            return c == 0 ? string.CompareOrdinal(x.Identifier, y.Identifier) : c;
        }
    }

    /// <summary>
    /// Upserts one level of the rollup: the days per identifier (<c>UsageDays</c>), or with
    /// <paramref name="withIdentifier"/> false the level without it (<c>UsageDayTotals</c>, whose keys carry
    /// Identifier ""). Both in the caller's transaction and in key order.
    /// </summary>
    private static async Task WriteLevelAsync(PortalDb db, SortedDictionary<Key, (decimal Quantity, long Records)> sums, bool withIdentifier, CancellationToken ct)
    {
        var (upsert, onConflict) = withIdentifier ? (Upsert, OnConflict) : (UpsertTotal, OnConflictTotal);
        var keys = sums.Keys.ToArray();
        var values = sums.Values.ToArray();
        // The columns in the statement's order, with their PostgreSQL array type and the value SQLite stores
        // (as EF Core's SQLite provider does: DateOnly as yyyy-MM-dd text, bool as 0/1).
        var columns = new List<Column>
        {
            new("a", NpgsqlDbType.Bigint, i => keys[i].AccountId, i => keys[i].AccountId),
            new("d", NpgsqlDbType.Date, i => keys[i].Day, i => keys[i].Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            new("p", NpgsqlDbType.Varchar, i => keys[i].ProductCode, i => keys[i].ProductCode),
            new("u", NpgsqlDbType.Varchar, i => keys[i].Unit, i => keys[i].Unit),
        };
        if (withIdentifier)
        {
            columns.Add(new("i", NpgsqlDbType.Varchar, i => keys[i].Identifier, i => keys[i].Identifier));
        }

        columns.Add(new("v", NpgsqlDbType.Boolean, i => keys[i].Invoiced, i => keys[i].Invoiced ? 1 : 0));
        columns.Add(new("q", NpgsqlDbType.Bigint, i => FixedPointConverter.ToStored(values[i].Quantity), i => FixedPointConverter.ToStored(values[i].Quantity)));
        columns.Add(new("r", NpgsqlDbType.Bigint, i => values[i].Records, i => values[i].Records));
        await UpsertRowsAsync(db, upsert, onConflict, keys.Length, columns, ct);
    }

    /// <summary>One column of an upsert: its parameter name, its PostgreSQL array type, and row i's value for each database.</summary>
    private sealed record Column(string Name, NpgsqlDbType Type, Func<int, object> Postgres, Func<int, object> Sqlite);

    /// <summary>
    /// Upserts <paramref name="rows"/> rows in the caller's transaction, in the order given (key order, so that
    /// concurrent batches lock shared rows in the same order): on PostgreSQL one statement over unnest'ed arrays,
    /// on SQLite one prepared statement executed per row.
    /// </summary>
    private static async Task UpsertRowsAsync(PortalDb db, string insert, string onConflict, int rows, IReadOnlyList<Column> columns, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("The rollup is written inside the caller's transaction.");
        if (db.Database.IsNpgsql())
        {
            await using var command = new NpgsqlCommand(
                $"{insert} SELECT * FROM unnest({string.Join(", ", columns.Select(c => "@" + c.Name))}){onConflict}",
                (NpgsqlConnection)connection,
                (NpgsqlTransaction)transaction);
            foreach (var column in columns)
            {
                var array = column.Type switch
                {
                    NpgsqlDbType.Bigint => (object)Enumerable.Range(0, rows).Select(i => Convert.ToInt64(column.Postgres(i), CultureInfo.InvariantCulture)).ToArray(),
                    NpgsqlDbType.Integer => Enumerable.Range(0, rows).Select(i => (int)column.Postgres(i)).ToArray(),
                    NpgsqlDbType.Date => Enumerable.Range(0, rows).Select(i => (DateOnly)column.Postgres(i)).ToArray(),
                    NpgsqlDbType.Boolean => Enumerable.Range(0, rows).Select(i => (bool)column.Postgres(i)).ToArray(),
                    _ => Enumerable.Range(0, rows).Select(i => (string)column.Postgres(i)).ToArray(),
                };
                command.Parameters.Add(new NpgsqlParameter(column.Name, NpgsqlDbType.Array | column.Type) { Value = array });
            }

            await command.ExecuteNonQueryAsync(ct);
            return;
        }

        // SQLite: one prepared statement per row, executed synchronously (SQLite does no I/O asynchronously),
        // as the ingest does for records.
        using var sqlite = connection.CreateCommand();
        sqlite.Transaction = transaction;
        sqlite.CommandText = $"{insert} VALUES ({string.Join(", ", columns.Select(c => "$" + c.Name))}){onConflict}";
        var parameters = columns.Select(c =>
        {
            var parameter = sqlite.CreateParameter();
            parameter.ParameterName = "$" + c.Name;
            sqlite.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        sqlite.Prepare();
        for (var row = 0; row < rows; row++)
        {
            for (var n = 0; n < columns.Count; n++)
            {
                parameters[n].Value = columns[n].Sqlite(row);
            }

            sqlite.ExecuteNonQuery();
        }
    }

    private sealed class KeyOrder : IComparer<Key>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare(Key x, Key y)
        {
            var c = x.AccountId.CompareTo(y.AccountId);
            if (c == 0)
            {
                c = x.Day.CompareTo(y.Day);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(x.ProductCode, y.ProductCode);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(x.Unit, y.Unit);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(x.Identifier, y.Identifier);
            }

            return c == 0 ? x.Invoiced.CompareTo(y.Invoiced) : c;
        }
    }
}
