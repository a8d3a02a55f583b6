using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Contracts;

/// <summary>One contract: its facts and every item, with what is still on rent.</summary>
[RequiresFeature(PortalFeature.Contracts)]
[RequiresPermission(Permissions.View)]
public sealed class DetailsModel(PortalDb db, OperatorClock clock) : PageModel
{
    public CurrentAccount Account => HttpContext.CurrentAccount();

    public ContractView Contract { get; private set; } = null!;

    public IReadOnlyList<ItemRow> Items { get; private set; } = [];

    public DateOnly Today { get; private set; }

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct)
    {
        var found = await LoadAsync(db, Account.Id, number, ct);
        if (found is null)
        {
            return NotFound();
        }

        (Contract, Items) = found.Value;
        Today = await clock.TodayAsync(ct);
        return Page();
    }

    /// <summary>The contract and its items, as the page and the PDF show them; null when the account has no such contract.</summary>
    public static async Task<(ContractView Contract, IReadOnlyList<ItemRow> Items)?> LoadAsync(PortalDb db, long accountId, string number, CancellationToken ct)
    {
        var contract = await db.Contracts.AsNoTracking().Where(c => c.AccountId == accountId && c.Number == number)
            .Select(c => new ContractView(c.Id, c.Number, c.Status, c.StartDate, c.EndDate, c.JobSite, c.PurchaseOrder, c.Branch))
            .FirstOrDefaultAsync(ct);
        if (contract is null)
        {
            return null;
        }

        var items = await db.ContractItems.AsNoTracking().Where(i => i.ContractId == contract.Id).OrderBy(i => i.LineNumber)
            .Select(i => new ItemRow(i.Id, i.LineNumber, i.ProductCode, i.Description, i.AssetNumber, i.QuantityOut, i.QuantityReturned, i.DateOut, i.ExpectedReturn, i.Rate, i.RatePeriod))
            .ToListAsync(ct);
        return (contract, items);
    }

    public sealed record ContractView(long Id, string Number, ContractStatus Status, DateOnly StartDate, DateOnly? EndDate, string? JobSite, string? PurchaseOrder, string? Branch);

    public sealed record ItemRow(long Id, int LineNumber, string ProductCode, string Description, string? AssetNumber, decimal QuantityOut, decimal QuantityReturned, DateOnly DateOut, DateOnly? ExpectedReturn, decimal Rate, string? RatePeriod)
    {
        public decimal OnRent => QuantityOut - QuantityReturned;

        public bool IsOverdue(DateOnly today) => OnRent > 0 && ExpectedReturn < today;
    }
}
