using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure.Paging;

namespace Portal.Features.Usage;

/// <summary>One usage record as the page and the export show it.</summary>
public sealed record UsageRow(
    long Id, string Product, string? Identifier, string? Description, DateTime OccurredAt, decimal Quantity, string Unit, long? InvoiceId, string? InvoiceNumber);

/// <summary>
/// The records of a filter, newest first, keyset-paged on (OccurredAt, Id) by the shared
/// <see cref="Keyset"/> helper. Each UTC month of the period is a segment read on its own, newest
/// month first: within one month the (Month, AccountId, OccurredAt, Id) index is already in the page's
/// order, so a page is a short walk down the index at any depth (a single query over both months would
/// have to sort the whole period first).
/// </summary>
public static class UsageRecordList
{
    public const string Sort = "usage";

    public static Task<KeysetPage<UsageRow>> ReadAsync(
        PortalDb db, long accountId, UsageFilter filter, TimeZoneInfo zone, string? token, int pageSize, CancellationToken ct) =>
        Keyset.ReadSegmentsAsync(
            [.. filter.MonthsNewestFirst(zone).Select(month => filter.Apply(db.UsageRecords.AsNoTracking(), accountId, zone, month))],
            Sort,
            u => u.OccurredAt,
            u => u.Id,
            descending: true,
            token,
            Row(db),
            row => (row.OccurredAt, row.Id),
            pageSize,
            ct);

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
            foreach (var row in query.Select(Row(db)).Take(left).AsEnumerable())
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

    private static Expression<Func<UsageRecord, UsageRow>> Row(PortalDb db) =>
        u => new UsageRow(
            u.Id, u.ProductCode, u.Identifier, u.Description, u.OccurredAt, u.Quantity, u.Unit, u.InvoiceId,
            u.InvoiceId == null ? null : db.Invoices.Where(i => i.Id == u.InvoiceId).Select(i => i.Number).FirstOrDefault());
}
