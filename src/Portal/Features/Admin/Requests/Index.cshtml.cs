using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Requests;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Admin.Requests;

/// <summary>
/// The operator's inbox of customer requests of every kind, newest first (or oldest first for the
/// longest waiting), filtered by kind, status, account, age and assignee; keyset-paged over (CreatedAt, Id)
/// with an index led by each filter.
/// </summary>
public sealed class IndexModel(PortalDb db, TimeProvider time, IStringLocalizer<SharedResource> l) : KeysetListPage<IndexModel.Row>
{
    public const int PageSize = 50;

    public static readonly int[] Ages = [1, 3, 7, 30];

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    /// <summary>"open" (the default), "closed", "all", or one stored status name.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Account { get; set; }

    /// <summary>Only requests older than this many days.</summary>
    [BindProperty(SupportsGet = true)]
    public int? Age { get; set; }

    /// <summary>"me" or "none".</summary>
    [BindProperty(SupportsGet = true)]
    public string? Assigned { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Dir { get; set; }

    public bool Descending => Dir != "asc";

    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = db.CustomerRequests.AsNoTracking();
        var kind = Enum.GetValues<RequestKind>().Where(k => CustomerRequestHub.StatusName(k) == Kind).Select(k => (RequestKind?)k).FirstOrDefault();
        Kind = kind is null ? null : Kind;
        if (kind is RequestKind k)
        {
            query = query.Where(r => r.Kind == k);
        }

        Status = string.IsNullOrWhiteSpace(Status) ? "open" : Status.Trim().ToLowerInvariant();
        query = Status switch
        {
            "open" => query.Where(r => r.IsOpen),
            "closed" => query.Where(r => !r.IsOpen),
            "all" => query,
            _ when Status.Length <= 30 => query.Where(r => r.Status == Status),
            _ => query,
        };

        Account = string.IsNullOrWhiteSpace(Account) ? null : Account.Trim();
        if (Account is not null)
        {
            var accountId = await db.Accounts.AsNoTracking().Where(a => a.Number == Account).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
            if (accountId is null)
            {
                Notices.Add(l["No account has number {0}.", Account]);
            }

            query = query.Where(r => r.AccountId == (accountId ?? -1));
        }

        if (Age is int days && Ages.Contains(days))
        {
            var before = time.GetUtcNow().UtcDateTime.AddDays(-days);
            query = query.Where(r => r.CreatedAt < before);
        }
        else
        {
            Age = null;
        }

        var me = User.FindFirstValue(ClaimTypes.NameIdentifier);
        query = Assigned switch
        {
            "me" => query.Where(r => r.AssignedStaffUserId == me),
            "none" => query.Where(r => r.AssignedStaffUserId == null),
            _ => query,
        };
        Assigned = Assigned is "me" or "none" ? Assigned : null;
        Dir = Descending ? null : "asc";

        var page = await Keyset.ReadAsync(query, "created." + (Descending ? "desc" : "asc"), r => r.CreatedAt, r => r.Id, Descending, After,
            r => new Row(r.Id, r.Kind, r.Number, r.Subject, r.Status, r.IsOpen, r.CreatedAt, r.LastActivityAt, r.AccountId, r.AssignedStaffUserId),
            r => (r.CreatedAt, r.Id), PageSize, ct);
        ShowPage(page, l);

        // One query for the page's accounts and assignees, not one per row; the rows shown get their names.
        var accountIds = page.Rows.Select(r => r.AccountId).Distinct().ToList();
        var accounts = await db.Accounts.AsNoTracking().Where(a => accountIds.Contains(a.Id)).Select(a => new { a.Id, a.Number, a.Name }).ToDictionaryAsync(a => a.Id, ct);
        var staffIds = page.Rows.Where(r => r.AssignedStaffUserId != null).Select(r => r.AssignedStaffUserId!).Distinct().ToList();
        var staff = await db.Users.AsNoTracking().Where(u => staffIds.Contains(u.Id)).Select(u => new { u.Id, Name = u.DisplayName ?? u.Email }).ToDictionaryAsync(u => u.Id, ct);
        Rows = page.Rows.Select(r => r with
        {
            AccountLabel = accounts.TryGetValue(r.AccountId, out var a) ? $"{a.Number} {a.Name}" : "",
            AssigneeName = r.AssignedStaffUserId is not null && staff.TryGetValue(r.AssignedStaffUserId, out var s) ? s.Name : null,
        }).ToList();
    }

    public string Link(string? after = null, string? dir = null) => ListPaging.Link("/admin/requests", new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["kind"] = Kind,
        ["status"] = Status == "open" ? null : Status,
        ["account"] = Account,
        ["age"] = Age?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["assigned"] = Assigned,
        ["dir"] = dir ?? Dir,
        ["after"] = after,
    });

    public sealed record Row(long Id, RequestKind Kind, string Number, string Subject, string Status, bool IsOpen, DateTime CreatedAt, DateTime LastActivityAt, long AccountId, string? AssignedStaffUserId)
    {
        public string AccountLabel { get; init; } = "";

        public string? AssigneeName { get; init; }
    }
}
