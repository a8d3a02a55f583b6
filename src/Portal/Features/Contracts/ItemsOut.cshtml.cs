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

/// <summary>
/// Everything on rent now across the account's contracts, oldest out first: keyset-paged over the
/// partial index IX_ContractItems_OnRent (AccountId, DateOut, Id WHERE out &gt; returned). Rows are
/// chosen here to be called off (the form goes to /calloffs/new).
/// </summary>
[RequiresFeature(PortalFeature.Contracts)]
[RequiresPermission(Permissions.View)]
public sealed class ItemsOutModel(PortalDb db, OperatorClock clock, IStringLocalizer<SharedResource> l) : KeysetListPage<ItemsOutModel.ItemOutRow>
{
    public const int PageSize = 50;
    public const int MaxJobSites = 100;

    [BindProperty(SupportsGet = true)]
    public string? Site { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Contract { get; set; }

    public CurrentAccount Account => HttpContext.CurrentAccount();

    public IReadOnlyList<string> JobSites { get; private set; } = [];

    public DateOnly Today { get; private set; }

    public bool IsFiltered => Site is not null || Contract is not null;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var account = Account;
        Site = string.IsNullOrWhiteSpace(Site) ? null : Site.Trim();
        Contract = string.IsNullOrWhiteSpace(Contract) ? null : Contract.Trim();
        if (Contract is { Length: > 50 })
        {
            Contract = Contract[..50];
            Notices.Add(l["The search text was shortened to {0} characters.", 50]);
        }

        Today = await clock.TodayAsync(ct);

        // The job sites of the contracts that have something out (bounded: a filter list, not a report).
        JobSites = await db.Contracts.AsNoTracking()
            .Where(c => c.AccountId == account.Id && c.JobSite != null && db.ContractItems.Any(i => i.ContractId == c.Id && i.QuantityOut > i.QuantityReturned))
            .Select(c => c.JobSite!).Distinct().OrderBy(s => s).Take(MaxJobSites).ToListAsync(ct);

        var contracts = db.Contracts.Where(c => c.AccountId == account.Id);
        var query = db.ContractItems.AsNoTracking().Where(i => i.AccountId == account.Id && i.QuantityOut > i.QuantityReturned);
        if (Site is not null)
        {
            var site = Site;
            query = query.Where(i => contracts.Any(c => c.Id == i.ContractId && c.JobSite == site));
        }

        if (Contract is not null)
        {
            var number = Contract;
            query = query.Where(i => contracts.Any(c => c.Id == i.ContractId && c.Number == number));
        }

        var page = await Keyset.ReadAsync(query, "out.asc", i => i.DateOut, i => i.Id, false, After,
            i => new ItemOutRow(i.Id, contracts.Where(c => c.Id == i.ContractId).Select(c => c.Number).First(), contracts.Where(c => c.Id == i.ContractId).Select(c => c.JobSite).First(),
                i.ProductCode, i.Description, i.AssetNumber, i.QuantityOut - i.QuantityReturned, i.QuantityCalledOff, i.DateOut, i.ExpectedReturn, i.Rate, i.RatePeriod),
            r => (r.DateOut, r.Id), PageSize, ct);
        ShowPage(page, l);
    }

    public string Link(string? after = null) => ListPaging.Link("/items-out", new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["site"] = Site,
        ["contract"] = Contract,
        ["after"] = after,
    });

    public sealed record ItemOutRow(long Id, string ContractNumber, string? JobSite, string ProductCode, string Description, string? AssetNumber, decimal OnRent, decimal CalledOff, DateOnly DateOut, DateOnly? ExpectedReturn, decimal Rate, string? RatePeriod)
    {
        /// <summary>What can still be called off: on rent, less what open call-offs already asked for.</summary>
        public decimal Available => Math.Max(0m, OnRent - CalledOff);

        public bool IsOverdue(DateOnly today) => ExpectedReturn < today;
    }
}
