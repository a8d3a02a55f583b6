using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Features.Requests;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Disputes;

/// <summary>One of the account's invoice disputes: what was questioned, its resolution, and its thread; add a message while it is open.</summary>
[RequiresFeature(PortalFeature.Disputes)]
[RequiresPermission(Permissions.View)]
[RequestSizeLimit(RequestFiles.MaxFiles * RequestFiles.MaxBytes + 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = RequestFiles.MaxFiles * RequestFiles.MaxBytes + 1024 * 1024)]
public sealed class DetailsModel(PortalDb db, DisputeService disputes) : PageModel
{
    [BindProperty]
    public string? Body { get; set; }

    [BindProperty]
    public List<IFormFile> Files { get; set; } = [];

    [TempData]
    public string? DisputeOpened { get; set; }

    public DisputeView Dispute { get; private set; } = null!;

    public RequestThread Thread { get; private set; } = RequestThread.Empty;

    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct) =>
        await LoadAsync(number, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostCommentAsync(string number, CancellationToken ct)
    {
        var result = await disputes.CommentAsync(HttpContext.CurrentAccount(), User.FindFirstValue(ClaimTypes.NameIdentifier)!, number, Body, Files, ct);
        switch (result)
        {
            case DisputeService.Result.Done:
                return Redirect("/disputes/" + Uri.EscapeDataString(number) + "#thread-heading");
            case DisputeService.Result.Refused refused when await LoadAsync(number, ct):
                Errors = refused.Errors;
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            default:
                return NotFound();
        }
    }

    private async Task<bool> LoadAsync(string number, CancellationToken ct)
    {
        var accountId = HttpContext.CurrentAccount().Id;
        var dispute = await db.InvoiceDisputes.AsNoTracking().Where(d => d.AccountId == accountId && d.Number == number)
            .Join(db.Invoices, d => d.InvoiceId, i => i.Id, (d, i) => new DisputeView(d.Id, d.Number, i.Number, d.Reason, d.Details, d.Currency, d.Amount, d.LineNumbers, d.Status, d.Resolution, d.ResolutionNote, d.OpenedAt, d.ResolvedAt))
            .FirstOrDefaultAsync(ct);
        if (dispute is null)
        {
            return false;
        }

        Dispute = dispute;
        Thread = await RequestThread.OfSubjectAsync(db, RequestKind.Dispute, dispute.Id, ct);
        return true;
    }

    public sealed record DisputeView(long Id, string Number, string InvoiceNumber, string Reason, string Details, string Currency, decimal Amount, string LineNumbers, DisputeStatus Status, DisputeResolution Resolution, string? ResolutionNote, DateTime OpenedAt, DateTime? ResolvedAt);
}
