using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Credits;

/// <summary>The account's credit memos, newest first, keyset-paged; only for users who see money.</summary>
[RequiresPermission(Permissions.SeeMoney)]
public sealed class IndexModel(PortalDb db, IStringLocalizer<SharedResource> l) : KeysetListPage<IndexModel.CreditRow>
{
    public const int PageSize = 25;
    private const string SortKey = "date.desc";

    /// <summary>"open" (credit left to use) or "all".</summary>
    [BindProperty(SupportsGet = true)]
    public string? Show { get; set; }

    /// <summary>A credit memo number to find (exact), as linked from an invoice.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        if (Show is not (null or "all" or "open"))
        {
            Notices.Add(l["Unknown filter; showing all credit memos."]);
        }

        Show = Show == "open" ? "open" : "all";
        Q = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim();

        var query = Filter(db, account.Id, Show, Q);

        var page = await Keyset.ReadAsync(
            query, SortKey, c => c.Date, c => c.Id, descending: true, After,
            c => new CreditRow(c.Id, c.Number, c.Date, c.Currency, c.Amount, c.RemainingAmount, c.Reference, c.Reason, c.IsVoid),
            r => (r.Date, r.Id), PageSize, ct);
        ShowPage(page, l);
        return Page();
    }

    /// <summary>The account's credit memos as the list filters them; the CSV export uses the same.</summary>
    public static IQueryable<CreditMemo> Filter(PortalDb db, long accountId, string show, string? number)
    {
        var query = db.CreditMemos.AsNoTracking().Where(c => c.AccountId == accountId);
        if (show == "open")
        {
            query = query.Where(c => c.RemainingAmount > 0m && !c.IsVoid);
        }

        if (number is not null)
        {
            query = query.Where(c => c.Number == number);
        }

        return query;
    }

    public string ExportLink() => ListPaging.Link("/credits/export", new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["show"] = Show == "open" ? "open" : null,
        ["q"] = Q,
    });

    public string Link(string? show, string? after = null) => ListPaging.Link("/credits", new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["show"] = show == "open" ? "open" : null,
        ["after"] = after,
    });

    public sealed record CreditRow(
        long Id, string Number, DateOnly Date, string Currency, decimal Amount, decimal Remaining, string? Reference, string? Reason, bool IsVoid);
}
