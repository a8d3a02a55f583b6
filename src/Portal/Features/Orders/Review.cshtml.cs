using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Orders;

/// <summary>
/// The order pad's review: lines priced now (withdrawn products flagged, never dropped), PO number,
/// requested date, the delivery address from the account and notes; submitting places the order once.
/// </summary>
[RequiresFeature(PortalFeature.Orders)]
[RequiresPermission(Permissions.Order)]
public sealed class ReviewModel(PortalDb db, OrderPadService pads, OperatorClock clock) : PageModel
{
    [BindProperty]
    public string? PurchaseOrder { get; set; }

    [BindProperty]
    public string? RequestedDate { get; set; }

    [BindProperty]
    public string? Notes { get; set; }

    public CurrentAccount Account => HttpContext.CurrentAccount();

    public PadView? Pad { get; private set; }

    public string DeliveryAddress { get; private set; } = "";

    public DateOnly Today { get; private set; }

    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    private string UserId => User.FindFirstValue(ClaimTypes.NameIdentifier)!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Pad is null || Pad.Lines.Count == 0)
        {
            return Redirect("/orders/new");
        }

        PurchaseOrder = Pad.Pad.PurchaseOrder;
        RequestedDate = Pad.Pad.RequestedDate is DateOnly d ? Formatting.Iso(d) : null;
        Notes = Pad.Pad.Notes;
        return Page();
    }

    /// <summary>The key is the pad's idempotency key as the review drew it; nothing else but PO, date and notes is read.</summary>
    public async Task<IActionResult> OnPostSubmitAsync(Guid key, CancellationToken ct)
    {
        var result = await pads.SubmitAsync(Account, UserId, key, new PadHeader(PurchaseOrder, RequestedDate, Notes), ct);
        switch (result)
        {
            case SubmitResult.Placed placed:
                TempData["OrderPlaced"] = placed.Number;
                return Redirect("/orders/" + Uri.EscapeDataString(placed.Number) + "?placed=1");
            case SubmitResult.AlreadyPlaced already:
                return Redirect("/orders/" + Uri.EscapeDataString(already.Number));
            case SubmitResult.Refused refused:
                Errors = refused.Errors;
                await LoadAsync(ct);
                if (Pad is null)
                {
                    return Redirect("/orders/new");
                }

                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            default:
                throw new InvalidOperationException(result.GetType().Name);
        }
    }

    /// <summary>Takes a line off the pad from the review (a withdrawn product, typically).</summary>
    public async Task<IActionResult> OnPostRemoveAsync(string? code, CancellationToken ct)
    {
        await pads.RemoveAsync(Account.Id, UserId, code, ct);
        return Redirect("/orders/new/review");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Today = await clock.TodayAsync(ct);
        Pad = await pads.ViewAsync(Account, UserId, ct);
        var a = await db.Accounts.AsNoTracking().Where(x => x.Id == Account.Id)
            .Select(x => new { x.Name, x.AddressLine1, x.AddressLine2, x.City, x.Region, x.PostalCode, x.Country }).FirstAsync(ct);
        DeliveryAddress = string.Join("\n", new[] { a.Name, a.AddressLine1, a.AddressLine2, string.Join(" ", new[] { a.City, a.Region, a.PostalCode }.Where(s => !string.IsNullOrWhiteSpace(s))), a.Country }
            .Where(s => !string.IsNullOrWhiteSpace(s)));
    }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var e) ? e : null;
}
