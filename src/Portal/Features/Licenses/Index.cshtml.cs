using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Licenses;

/// <summary>
/// The account's license inventory, keyset-paged by product name (index AccountId, ProductName, Id) or by
/// expiry (AccountId, ExpiresOn, Id). Codes are masked; revealing one is a POST that shows the same page
/// with that code and writes the reveal to the activity trail.
/// </summary>
[RequiresFeature(PortalFeature.Licenses)]
[RequiresPermission(Permissions.View)]
public sealed class IndexModel(PortalDb db, OperatorClock clock, ActivityLog activity, IStringLocalizer<SharedResource> l) : KeysetListPage<LicenseList.LicenseRow>
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Filter { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    public CurrentAccount Account => HttpContext.CurrentAccount();

    public DateOnly Today { get; private set; }

    public long? RevealedId { get; private set; }

    public string? RevealedCode { get; private set; }

    public bool IsFiltered => Filter != "all";

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>Shows one license's code on the page as it was, and records who saw it.</summary>
    public async Task<IActionResult> OnPostRevealAsync(long id, CancellationToken ct)
    {
        var account = Account;
        var license = await db.Licenses.AsNoTracking().Where(x => x.Id == id && x.AccountId == account.Id)
            .Select(x => new { x.Id, x.ProductName, x.ExternalId, x.LicenseCode }).FirstOrDefaultAsync(ct);
        if (license is null)
        {
            return NotFound();
        }

        activity.Record("license.code_revealed", User.FindFirstValue(ClaimTypes.NameIdentifier), account.Id, $"{license.ProductName} ({license.ExternalId})");
        await db.SaveChangesAsync(ct);
        RevealedId = license.Id;
        RevealedCode = license.LicenseCode;
        Response.Headers.CacheControl = "no-store";
        await LoadAsync(ct);
        return Page();
    }

    public string Link(string? after = null, string? sort = null, string path = "/licenses") => ListPaging.Link(path, new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["filter"] = Filter == "all" ? null : Filter,
        ["sort"] = (sort ?? Sort) == "product" ? null : sort ?? Sort,
        ["after"] = after,
    });

    public static string MaintenanceText(MaintenanceStatus status, IStringLocalizer l) => status switch
    {
        MaintenanceStatus.Active => l["Active"],
        MaintenanceStatus.Expiring => l["Expiring"],
        MaintenanceStatus.Lapsed => l["Lapsed"],
        _ => l["None"],
    };

    public static string MaintenanceBadge(MaintenanceStatus status) => "badge badge-" + status switch
    {
        MaintenanceStatus.Active => "paid",
        MaintenanceStatus.Expiring => "pending",
        MaintenanceStatus.Lapsed => "overdue",
        _ => "void",
    };

    private async Task LoadAsync(CancellationToken ct)
    {
        Filter = Filter?.Trim().ToLowerInvariant();
        if (Filter is null || !LicenseList.Filters.Contains(Filter))
        {
            if (!string.IsNullOrEmpty(Filter))
            {
                Notices.Add(l["Unknown filter; showing all licenses."]);
            }

            Filter = "all";
        }

        Sort = Sort?.Trim().ToLowerInvariant();
        if (Sort is null || !LicenseList.Sorts.Contains(Sort))
        {
            if (!string.IsNullOrEmpty(Sort))
            {
                Notices.Add(l["The list cannot be sorted that way, so it is sorted by product."]);
            }

            Sort = "product";
        }

        Today = await clock.TodayAsync(ct);
        var query = LicenseList.Query(db, Account.Id, Filter, Today);
        var page = Sort == "expires"
            ? await Keyset.ReadAsync(query, "expires", x => x.ExpiresOn ?? LicenseList.NoExpiry, x => x.Id, false, After, ToRow(), r => (r.SortExpires, r.Id), PageSize, ct)
            : await Keyset.ReadAsync(query, "product", x => x.ProductName, x => x.Id, false, After, ToRow(), r => (r.ProductName, r.Id), PageSize, ct);
        ShowPage(page, l);
    }

    private static System.Linq.Expressions.Expression<Func<License, LicenseList.LicenseRow>> ToRow() =>
        x => new LicenseList.LicenseRow(x.Id, x.ProductName, x.ProductCode, x.Seats, x.Version, x.IssuedOn, x.ExpiresOn, x.Maintenance, x.MaintenanceEndsOn, x.ExpiresOn ?? LicenseList.NoExpiry);
}
