using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Admin.Audit;

/// <summary>The audit log of staff actions, newest first, filtered by actor, action and date range (UTC days).</summary>
public sealed class IndexModel(PortalDb db, IStringLocalizer<SharedResource> l) : KeysetListPage<IndexModel.Row>
{
    public const int PageSize = 50;

    private const string SortKey = "occurred";

    /// <summary>The actions written today, offered in the filter.</summary>
    public static readonly string[] Actions =
    [
        "settings.changed", "account.portal_changed", "account.permissions_changed", "account.membership_removed",
        "account.view_as_started", "account.view_as_ended",
        "invitation.sent", "invitation.resent", "invitation.revoked",
        "user.disabled", "user.enabled", "user.unlocked", "user.two_factor_reset", "user.signed_out_everywhere",
        "staff.invited", "staff.invitation_resent", "staff.role_changed",
        "request.assigned", "request.replied", "request.status_changed", "webhook.delivery_retried",
    ];

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        string? from = From, to = To, q = Actor;
        ListFilter.Normalize(ref from, ref to, ref q, 256, Notices, l);
        (From, To, Actor) = (from, to, q);

        var query = db.AuditEntries.AsNoTracking();
        if (Actor is not null)
        {
            var normalized = Actor.ToUpperInvariant();
            var userId = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).FirstOrDefaultAsync(ct);
            var email = Actor;
            query = userId is null ? query.Where(a => a.ActorEmail == email) : query.Where(a => a.ActorId == userId);
        }

        if (!string.IsNullOrWhiteSpace(Action))
        {
            var action = Action.Trim();
            query = query.Where(a => a.Action == action);
        }

        if (ListFilter.ParseDate(From) is DateOnly f)
        {
            var start = f.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(a => a.OccurredAt >= start);
        }

        if (ListFilter.ParseDate(To) is DateOnly t)
        {
            var end = t.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(a => a.OccurredAt < end);
        }

        var page = await Keyset.ReadAsync(
            query, SortKey, a => a.OccurredAt, a => a.Id, descending: true, After,
            a => new Row(a.Id, a.OccurredAt, a.ActorEmail, a.Action, a.TargetKind, a.TargetId, a.Before, a.After, a.IpAddress),
            r => (r.OccurredAt, r.Id), PageSize, ct);
        ShowPage(page, l);
    }

    public string Link(string? after)
    {
        var query = new Dictionary<string, string?>
        {
            ["actor"] = Actor,
            ["action"] = Action,
            ["from"] = From,
            ["to"] = To,
            ["after"] = after,
        }.Where(p => !string.IsNullOrEmpty(p.Value));
        return QueryHelpers.AddQueryString("/admin/audit", query);
    }

    public sealed record Row(long Id, DateTime OccurredAt, string? ActorEmail, string Action, string TargetKind, string? TargetId, string? Before, string? After, string? IpAddress);
}
