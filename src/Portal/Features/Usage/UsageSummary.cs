using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Usage;

/// <summary>
/// The period's usage summed per product, unit, identifier, local day and invoiced-or-not, in one
/// grouped query over the period's index ranges. Totals (per product, per identifier), the chart and
/// the filter's choices of products and identifiers are all cut from these slices in memory, so they
/// agree with each other by construction and the period's rows are read once.
/// </summary>
public sealed class UsageSummary
{
    private UsageSummary(UsageFilter filter, List<Slice> slices, List<(string Product, string Identifier)>? identifiers = null)
    {
        Filter = filter;
        All = slices;
        _identifiers = identifiers;
        Selected = slices.Where(s => (filter.Product is null || s.Product == filter.Product)
            && (filter.Identifier is null || s.Identifier == filter.Identifier)
            && (filter.Invoiced is null || s.Invoiced == filter.Invoiced)
            && s.Day >= filter.FirstDay && s.Day <= filter.LastDay).ToList();
    }

    // The identifier choices when the slices are cut without the identifier (read apart, from the identifier level).
    private readonly List<(string Product, string Identifier)>? _identifiers;

    public UsageFilter Filter { get; }

    /// <summary>Every slice of the period (the text filter applied, if any): what the choices are made of.</summary>
    public IReadOnlyList<Slice> All { get; }

    /// <summary>The slices the whole filter selects: what totals and the chart show.</summary>
    public IReadOnlyList<Slice> Selected { get; }

    public IReadOnlyList<string> Products => All.Select(s => s.Product).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<string> Identifiers => IdentifiersOf(Filter.Product);

    /// <summary>The identifier choices of one product (or of all, for null) in the period.</summary>
    public IReadOnlyList<string> IdentifiersOf(string? product) => _identifiers is not null
        ? _identifiers.Where(p => product is null || p.Product == product).Select(p => p.Identifier)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()
        : All.Where(s => (product is null || s.Product == product) && s.Identifier is not null)
        .Select(s => s.Identifier!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    public long Records => Selected.Sum(s => (long)s.Count);

    /// <summary>Totals per product and unit (a product metered in two units gets two lines; units are never added up).</summary>
    public IReadOnlyList<Total> ByProduct => Selected
        .GroupBy(s => (s.Product, s.Unit))
        .Select(g => new Total(g.Key.Product, null, g.Key.Unit, g.Sum(s => s.Quantity), g.Sum(s => (long)s.Count)))
        .OrderBy(t => t.Product, StringComparer.Ordinal).ThenBy(t => t.Unit, StringComparer.Ordinal).ToList();

    public IReadOnlyList<Total> ByIdentifier => Selected
        .GroupBy(s => (s.Product, s.Identifier, s.Unit))
        .Select(g => new Total(g.Key.Product, g.Key.Identifier, g.Key.Unit, g.Sum(s => s.Quantity), g.Sum(s => (long)s.Count)))
        .OrderBy(t => t.Product, StringComparer.Ordinal).ThenBy(t => t.Identifier, StringComparer.Ordinal).ThenBy(t => t.Unit, StringComparer.Ordinal).ToList();

    /// <summary>The period's summary for <paramref name="filter"/>; <paramref name="byIdentifier"/> when the page shows totals per identifier (the slices must carry it).</summary>
    public static async Task<UsageSummary> LoadAsync(PortalDb db, long accountId, UsageFilter filter, TimeZoneInfo zone, bool byIdentifier, CancellationToken ct)
    {
        // Without a text filter the period's daily rollup has every slice already summed; with one (or while
        // the account's rollup is being built or recut in a new zone) the records are grouped here. The
        // identifier level (thousands of rows a period for the largest accounts) is read only when totals per
        // identifier or an identifier filter ask for it; otherwise the level without it (a few hundred rows)
        // and the identifier choices apart (a distinct over the identifier level's index range).
        if (filter.Text is null)
        {
            var withIdentifiers = byIdentifier || filter.Identifier is not null;
            var slices = await UsageRollup.SlicesAsync(db, accountId, filter.Period, zone, withIdentifiers, ct);
            if (slices is not null)
            {
                return new UsageSummary(filter, slices, withIdentifiers ? null : await UsageRollup.IdentifiersAsync(db, accountId, filter.Period, ct));
            }
        }

        return new UsageSummary(filter, await RecordSlicesAsync(db, accountId, filter, zone, ct));
    }

    /// <summary>The period's slices grouped from the records themselves (the text filter applied).</summary>
    internal static async Task<List<Slice>> RecordSlicesAsync(PortalDb db, long accountId, UsageFilter filter, TimeZoneInfo zone, CancellationToken ct)
    {
        // The whole period is read (only the text narrows in SQL), so that the product and identifier
        // choices stay complete while one of them is selected.
        var period = filter.Period;
        var wide = filter with { Product = null, Identifier = null, From = null, To = null, Invoiced = null };
        var query = wide.Apply(db.UsageRecords.AsNoTracking(), accountId, zone);
        var boundaries = Enumerable.Range(1, period.Days - 1).Select(d => BillingPeriod.DayStartUtc(period.Start.AddDays(d), zone)).ToArray();
        var rows = await query.GroupBy(KeyOf(boundaries))
            .Select(g => new { g.Key.Product, g.Key.Unit, g.Key.Identifier, g.Key.Day, g.Key.Invoiced, Quantity = g.Sum(u => u.Quantity), Count = g.Count() })
            .ToListAsync(ct);
        return rows.Select(r => new Slice(r.Product, r.Identifier, r.Unit, period.Start.AddDays(r.Day), r.Invoiced, r.Quantity, r.Count)).ToList();
    }

    /// <summary>
    /// Totals per product and unit for a whole period (the overview's tile): from the daily rollup when
    /// the account's is current, else one grouped read of the period's records.
    /// </summary>
    public static async Task<IReadOnlyList<Total>> ProductTotalsAsync(PortalDb db, long accountId, BillingPeriod period, TimeZoneInfo zone, CancellationToken ct)
    {
        var slices = await UsageRollup.SlicesAsync(db, accountId, period, zone, byIdentifier: false, ct);
        if (slices is not null)
        {
            return slices.GroupBy(s => (s.Product, s.Unit))
                .Select(g => new Total(g.Key.Product, null, g.Key.Unit, g.Sum(s => s.Quantity), g.Sum(s => (long)s.Count)))
                .OrderBy(t => t.Product, StringComparer.Ordinal).ThenBy(t => t.Unit, StringComparer.Ordinal).ToList();
        }

        var months = period.Months;
        var (from, to) = (period.StartUtc, period.EndUtc);
        var rows = await db.UsageRecords.AsNoTracking()
            .Where(u => months.Contains(u.Month) && u.AccountId == accountId && u.OccurredAt >= from && u.OccurredAt < to)
            .GroupBy(u => new { u.ProductCode, u.Unit })
            .Select(g => new { g.Key.ProductCode, g.Key.Unit, Quantity = g.Sum(u => u.Quantity), Count = g.Count() })
            .ToListAsync(ct);
        return rows.Select(r => new Total(r.ProductCode, null, r.Unit, r.Quantity, r.Count))
            .OrderBy(t => t.Product, StringComparer.Ordinal).ThenBy(t => t.Unit, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The grouping key, with the local day as a CASE over the UTC instants the period's days start at:
    /// exact across a daylight-saving change, and the same SQL on both databases.
    /// </summary>
    private static Expression<Func<UsageRecord, SliceKey>> KeyOf(DateTime[] dayStarts)
    {
        var u = Expression.Parameter(typeof(UsageRecord), "u");
        var occurred = Expression.Property(u, nameof(UsageRecord.OccurredAt));
        Expression day = Expression.Constant(dayStarts.Length);
        for (var i = dayStarts.Length - 1; i >= 0; i--)
        {
            day = Expression.Condition(Expression.LessThan(occurred, Expression.Constant(dayStarts[i])), Expression.Constant(i), day);
        }

        var key = Expression.MemberInit(
            Expression.New(typeof(SliceKey)),
            Expression.Bind(typeof(SliceKey).GetProperty(nameof(SliceKey.Product))!, Expression.Property(u, nameof(UsageRecord.ProductCode))),
            Expression.Bind(typeof(SliceKey).GetProperty(nameof(SliceKey.Unit))!, Expression.Property(u, nameof(UsageRecord.Unit))),
            Expression.Bind(typeof(SliceKey).GetProperty(nameof(SliceKey.Identifier))!, Expression.Property(u, nameof(UsageRecord.Identifier))),
            Expression.Bind(typeof(SliceKey).GetProperty(nameof(SliceKey.Day))!, day),
            Expression.Bind(typeof(SliceKey).GetProperty(nameof(SliceKey.Invoiced))!, Expression.NotEqual(Expression.Property(u, nameof(UsageRecord.InvoiceId)), Expression.Constant(null, typeof(long?)))));
        return Expression.Lambda<Func<UsageRecord, SliceKey>>(key, u);
    }

    private sealed class SliceKey
    {
        public string Product { get; init; } = "";

        public string Unit { get; init; } = "";

        public string? Identifier { get; init; }

        public int Day { get; init; }

        public bool Invoiced { get; init; }
    }

    public sealed record Slice(string Product, string? Identifier, string Unit, DateOnly Day, bool Invoiced, decimal Quantity, int Count);

    public sealed record Total(string Product, string? Identifier, string Unit, decimal Quantity, long Records);
}
