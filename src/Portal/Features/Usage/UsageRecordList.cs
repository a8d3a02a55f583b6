using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure.Paging;

namespace Portal.Features.Usage;

/// <summary>One usage record as the page and the export show it.</summary>
public sealed record UsageRow(
    long Id, string Product, string? Identifier, string? Description, DateTime OccurredAt, decimal Quantity, string Unit, long? InvoiceId, string? InvoiceNumber);

/// <summary>
/// The records of a filter, newest first, keyset-paged on (OccurredAt, Id). Each UTC month of the
/// period is read on its own, newest month first: within one month the (Month, AccountId, OccurredAt,
/// Id) index is already in the page's order, so a page is a short walk down the index at any depth
/// (a single query over both months would have to sort the whole period first).
/// </summary>
public static class UsageRecordList
{
    public const string Sort = "usage";

    public static async Task<KeysetPage<UsageRow>> ReadAsync(
        PortalDb db, long accountId, UsageFilter filter, TimeZoneInfo zone, string? token, int pageSize, CancellationToken ct)
    {
        var cursor = KeysetCursor.Decode(token, Sort);
        var invalid = !string.IsNullOrEmpty(token) && cursor is null;
        DateTime at = default;
        if (cursor is not null)
        {
            if (long.TryParse(cursor.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTime.MaxValue.Ticks)
            {
                at = new DateTime(ticks, DateTimeKind.Utc);
            }
            else
            {
                invalid = true;
                cursor = null;
            }
        }

        // A previous page walks up (oldest first) from the cursor, then is put back in order.
        var backward = cursor?.Backward == true;
        var months = filter.MonthsNewestFirst(zone);
        if (backward)
        {
            Array.Reverse(months);
        }

        var rows = new List<UsageRow>(pageSize + 1);
        foreach (var month in months)
        {
            var query = filter.Apply(db.UsageRecords.AsNoTracking(), accountId, zone, month);
            if (cursor is not null)
            {
                var id = cursor.Id;
                query = backward
                    ? query.Where(u => u.OccurredAt > at || (u.OccurredAt == at && u.Id > id))
                    : query.Where(u => u.OccurredAt < at || (u.OccurredAt == at && u.Id < id));
            }

            var ordered = backward
                ? query.OrderBy(u => u.OccurredAt).ThenBy(u => u.Id)
                : query.OrderByDescending(u => u.OccurredAt).ThenByDescending(u => u.Id);
            rows.AddRange(await Project(db, ordered).Take(pageSize + 1 - rows.Count).ToListAsync(ct));
            if (rows.Count > pageSize)
            {
                break;
            }
        }

        var more = rows.Count > pageSize;
        if (more)
        {
            rows.RemoveAt(pageSize);
        }

        if (backward)
        {
            rows.Reverse();
        }

        var hasNext = backward || more;
        var hasPrevious = backward ? more : cursor is not null;
        return new KeysetPage<UsageRow>(
            rows,
            hasNext && rows.Count > 0 ? Token(rows[^1], toPrevious: false) : null,
            hasPrevious && rows.Count > 0 ? Token(rows[0], toPrevious: true) : null,
            invalid);
    }

    /// <summary>
    /// Every record of the filter, newest first, at most <paramref name="limit"/>, month by month in
    /// index order, for an export: streamed, never held in memory.
    /// </summary>
    public static IEnumerable<UsageRow> Stream(PortalDb db, long accountId, UsageFilter filter, TimeZoneInfo zone, int limit)
    {
        var left = limit;
        foreach (var month in filter.MonthsNewestFirst(zone))
        {
            var query = filter.Apply(db.UsageRecords.AsNoTracking(), accountId, zone, month)
                .OrderByDescending(u => u.OccurredAt).ThenByDescending(u => u.Id);
            foreach (var row in Project(db, query).Take(left).AsEnumerable())
            {
                yield return row;
                left--;
            }

            if (left <= 0)
            {
                yield break;
            }
        }
    }

    private static IQueryable<UsageRow> Project(PortalDb db, IQueryable<UsageRecord> query) =>
        query.Select(u => new UsageRow(
            u.Id, u.ProductCode, u.Identifier, u.Description, u.OccurredAt, u.Quantity, u.Unit, u.InvoiceId,
            u.InvoiceId == null ? null : db.Invoices.Where(i => i.Id == u.InvoiceId).Select(i => i.Number).FirstOrDefault()));

    private static string Token(UsageRow row, bool toPrevious) =>
        new KeysetCursor(Sort, row.OccurredAt.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture), row.Id, toPrevious).Encode();
}
