using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Contracts;

/// <summary>The account's rental contracts and reservations, newest start first, keyset-paged over (AccountId, StartDate, Id).</summary>
[RequiresFeature(PortalFeature.Contracts)]
[RequiresPermission(Permissions.View)]
public sealed class IndexModel(PortalDb db, OperatorClock clock, IStringLocalizer<SharedResource> l) : KeysetListPage<IndexModel.ContractRow>
{
    public const int PageSize = 25;

    public static readonly string[] Statuses = ["all", "reserved", "open", "closed", "cancelled"];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    public CurrentAccount Account => HttpContext.CurrentAccount();

    public DateOnly Today { get; private set; }

    public bool IsFiltered => Status != "all";

    public async Task OnGetAsync(CancellationToken ct)
    {
        var account = Account;
        Status = Status?.Trim().ToLowerInvariant();
        if (Status is null || !Statuses.Contains(Status))
        {
            if (!string.IsNullOrEmpty(Status))
            {
                Notices.Add(l["Unknown status filter; showing all contracts."]);
            }

            Status = "all";
        }

        Today = await clock.TodayAsync(ct);
        var query = db.Contracts.AsNoTracking().Where(c => c.AccountId == account.Id);
        query = Status switch
        {
            "reserved" => query.Where(c => c.Status == ContractStatus.Reserved),
            "open" => query.Where(c => c.Status == ContractStatus.Open),
            "closed" => query.Where(c => c.Status == ContractStatus.Closed),
            "cancelled" => query.Where(c => c.Status == ContractStatus.Cancelled),
            _ => query,
        };

        // The items-out figures are one correlated count per row of the page (25), on (ContractId, LineNumber).
        var items = db.ContractItems;
        var page = await Keyset.ReadAsync(query, "start.desc", c => c.StartDate, c => c.Id, true, After,
            c => new ContractRow(c.Id, c.Number, c.Status, c.StartDate, c.EndDate, c.JobSite, c.PurchaseOrder,
                items.Count(i => i.ContractId == c.Id && i.QuantityOut > i.QuantityReturned),
                items.Where(i => i.ContractId == c.Id && i.QuantityOut > i.QuantityReturned).Min(i => i.ExpectedReturn)),
            r => (r.StartDate, r.Id), PageSize, ct);
        ShowPage(page, l);
    }

    public string Link(string? after = null) => ListPaging.Link("/contracts", new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["status"] = Status == "all" ? null : Status,
        ["after"] = after,
    });

    public sealed record ContractRow(long Id, string Number, ContractStatus Status, DateOnly StartDate, DateOnly? EndDate, string? JobSite, string? PurchaseOrder, int ItemsOut, DateOnly? NextReturn);
}
