using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.CallOffs;

/// <summary>One call-off: its status as the billing system moves it, and what it asked for.</summary>
[RequiresFeature(PortalFeature.Contracts)]
[RequiresPermission(Permissions.View)]
public sealed class DetailsModel(PortalDb db) : PageModel
{
    public CallOffView CallOff { get; private set; } = null!;

    public IReadOnlyList<LineRow> Lines { get; private set; } = [];

    [TempData]
    public string? CallOffSent { get; set; }

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct)
    {
        var accountId = HttpContext.CurrentAccount().Id;
        var found = await db.CallOffs.AsNoTracking().Where(c => c.AccountId == accountId && c.Number == number)
            .Select(c => new CallOffView(c.Id, c.Number, c.Status, c.PickupDate, c.ContactName, c.ContactPhone, c.Notes, c.StatusNote, c.CreatedAt, c.UpdatedAt,
                db.Users.Where(u => u.Id == c.RequestedByUserId).Select(u => u.DisplayName ?? u.Email).FirstOrDefault()))
            .FirstOrDefaultAsync(ct);
        if (found is null)
        {
            return NotFound();
        }

        CallOff = found;
        Lines = await db.CallOffLines.AsNoTracking().Where(x => x.CallOffId == found.Id).OrderBy(x => x.Id)
            .Select(x => new LineRow(x.ContractNumber, x.ProductCode, x.Description, x.AssetNumber, x.Quantity)).ToListAsync(ct);
        return Page();
    }

    public sealed record CallOffView(long Id, string Number, CallOffStatus Status, DateOnly PickupDate, string ContactName, string ContactPhone, string? Notes, string? StatusNote, DateTime CreatedAt, DateTime UpdatedAt, string? RequestedBy);

    public sealed record LineRow(string ContractNumber, string ProductCode, string Description, string? AssetNumber, decimal Quantity);
}
