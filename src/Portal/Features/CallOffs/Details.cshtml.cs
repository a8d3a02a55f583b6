using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Features.Requests;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.CallOffs;

/// <summary>One call-off: its status as the billing system moves it, what it asked for, and its thread with the operator (a message may be added while it is open).</summary>
[RequiresFeature(PortalFeature.Contracts)]
[RequiresPermission(Permissions.View)]
public sealed class DetailsModel(PortalDb db, CallOffService calloffs) : PageModel
{
    [BindProperty]
    public string? Body { get; set; }

    public RequestThread Thread { get; private set; } = RequestThread.Empty;

    public string? BodyError { get; private set; }

    public CallOffView CallOff { get; private set; } = null!;

    public IReadOnlyList<LineRow> Lines { get; private set; } = [];

    [TempData]
    public string? CallOffSent { get; set; }

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct) =>
        await LoadAsync(number, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostCommentAsync(string number, CancellationToken ct)
    {
        var errors = await calloffs.CommentAsync(HttpContext.CurrentAccount(), User.FindFirstValue(ClaimTypes.NameIdentifier)!, number, Body, ct);
        if (errors is null || (errors.Count > 0 && !await LoadAsync(number, ct)))
        {
            return NotFound();
        }

        if (errors.Count == 0)
        {
            return Redirect("/calloffs/" + Uri.EscapeDataString(number) + "#thread-heading");
        }

        BodyError = errors["Body"];
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<bool> LoadAsync(string number, CancellationToken ct)
    {
        var accountId = HttpContext.CurrentAccount().Id;
        var found = await db.CallOffs.AsNoTracking().Where(c => c.AccountId == accountId && c.Number == number)
            .Select(c => new CallOffView(c.Id, c.Number, c.Status, c.PickupDate, c.ContactName, c.ContactPhone, c.Notes, c.StatusNote, c.CreatedAt, c.UpdatedAt,
                db.Users.Where(u => u.Id == c.RequestedByUserId).Select(u => u.DisplayName ?? u.Email).FirstOrDefault()))
            .FirstOrDefaultAsync(ct);
        if (found is null)
        {
            return false;
        }

        CallOff = found;
        Lines = await db.CallOffLines.AsNoTracking().Where(x => x.CallOffId == found.Id).OrderBy(x => x.Id)
            .Select(x => new LineRow(x.ContractNumber, x.ProductCode, x.Description, x.AssetNumber, x.Quantity)).ToListAsync(ct);
        Thread = await RequestThread.OfSubjectAsync(db, RequestKind.CallOff, found.Id, ct);
        return true;
    }

    public sealed record CallOffView(long Id, string Number, CallOffStatus Status, DateOnly PickupDate, string ContactName, string ContactPhone, string? Notes, string? StatusNote, DateTime CreatedAt, DateTime UpdatedAt, string? RequestedBy);

    public sealed record LineRow(string ContractNumber, string ProductCode, string Description, string? AssetNumber, decimal Quantity);
}
