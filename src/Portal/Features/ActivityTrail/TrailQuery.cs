using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure.Activity;

namespace Portal.Features.ActivityTrail;

/// <summary>
/// Reading the activity trail: newest first, keyset paged on (OccurredAt, Id), which the trail's indexes
/// (by account, by user, and overall) serve. Shared by the customer's page and the console's.
/// </summary>
public static class TrailQuery
{
    public const int PageSize = 50;

    /// <summary>The kinds of entry a reader can filter by: the part of the action before the dot.</summary>
    public static readonly string[] Kinds = ["login", "password", "invitation", "registration", "email", "two_factor", "invoice"];

    public sealed record Row(long Id, DateTime OccurredAt, string Action, string? Who, string? Detail, string? IpAddress, string? AccountNumber);

    public sealed record Page(IReadOnlyList<Row> Rows, string? Next);

    public static IQueryable<ActivityEntry> OfKind(this IQueryable<ActivityEntry> query, string? kind) =>
        kind is not null && Kinds.Contains(kind) ? query.Where(a => a.Action.StartsWith(kind + ".")) : query;

    public static async Task<Page> ReadAsync(PortalDb db, IQueryable<ActivityEntry> query, string? after, CancellationToken ct)
    {
        if (TryParseCursor(after, out var at, out var id))
        {
            query = query.Where(a => a.OccurredAt < at || (a.OccurredAt == at && a.Id < id));
        }

        var rows = await query
            .OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id)
            .Take(PageSize + 1)
            .Select(a => new Row(
                a.Id,
                a.OccurredAt,
                a.Action,
                db.Users.Where(u => u.Id == a.UserId).Select(u => u.Email).FirstOrDefault() ?? a.Subject,
                a.Detail,
                a.IpAddress,
                db.Accounts.Where(x => x.Id == a.AccountId).Select(x => x.Number).FirstOrDefault()))
            .ToListAsync(ct);
        var next = rows.Count > PageSize ? Cursor(rows[PageSize - 1]) : null;
        return new Page(rows.Take(PageSize).ToList(), next);
    }

    private static string Cursor(Row row) =>
        row.OccurredAt.Ticks.ToString(CultureInfo.InvariantCulture) + "-" + row.Id.ToString(CultureInfo.InvariantCulture);

    private static bool TryParseCursor(string? cursor, out DateTime at, out long id)
    {
        at = default;
        id = 0;
        var parts = cursor?.Split('-');
        if (parts is not [var ticks, var idText]
            || !long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            || !long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out id)
            || t < DateTime.MinValue.Ticks || t > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        at = new DateTime(t, DateTimeKind.Utc);
        return true;
    }
}
