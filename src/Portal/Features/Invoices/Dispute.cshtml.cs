using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Disputes;
using Portal.Features.Operator;
using Portal.Features.Requests;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Invoices;

/// <summary>Disputes one of the account's invoices: a reason from the operator's list, an explanation, the lines concerned, the amount in question, files.</summary>
[RequiresFeature(PortalFeature.Disputes)]
[RequiresPermission(Permissions.View)]
[RequestSizeLimit(RequestFiles.MaxFiles * RequestFiles.MaxBytes + 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = RequestFiles.MaxFiles * RequestFiles.MaxBytes + 1024 * 1024)]
public sealed class DisputeModel(PortalDb db, DisputeService disputes, OperatorSettingsCache settings) : PageModel
{
    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string? Details { get; set; }

    [BindProperty]
    public List<int> Lines { get; set; } = [];

    [BindProperty]
    public string? Amount { get; set; }

    [BindProperty]
    public List<IFormFile> Files { get; set; } = [];

    public InvoiceView Invoice { get; private set; } = null!;

    public IReadOnlyList<LineView> InvoiceLines { get; private set; } = [];

    public IReadOnlyList<string> Reasons { get; private set; } = [];

    /// <summary>Why the invoice cannot be disputed (paid, void, already disputed); the form is not shown then.</summary>
    public string? Refusal { get; private set; }

    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct)
    {
        if (!await LoadAsync(number, ct))
        {
            return NotFound();
        }

        Refusal = await disputes.RefusalAsync(Invoice.Id, Invoice.IsVoid, Invoice.Open, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string number, CancellationToken ct)
    {
        var result = await disputes.OpenAsync(HttpContext.CurrentAccount(), User.FindFirstValue(ClaimTypes.NameIdentifier)!, number, new DisputeForm(Reason, Details, Lines.Take(500).ToList(), Amount), Files, ct);
        switch (result)
        {
            case DisputeService.Result.Done done:
                TempData["DisputeOpened"] = done.Number;
                return Redirect("/disputes/" + Uri.EscapeDataString(done.Number));
            case DisputeService.Result.Refused refused when await LoadAsync(number, ct):
                Errors = refused.Errors;
                Refusal = refused.Errors.TryGetValue("Invoice", out var refusal) ? refusal : null;
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            default:
                return NotFound();
        }
    }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var e) ? e : null;

    private async Task<bool> LoadAsync(string number, CancellationToken ct)
    {
        var accountId = HttpContext.CurrentAccount().Id;
        var invoice = await db.Invoices.AsNoTracking().Where(i => i.AccountId == accountId && i.Number == number)
            .Select(i => new InvoiceView(i.Id, i.Number, i.IssueDate, i.Currency, i.Total, i.OpenAmount, i.IsVoid)).FirstOrDefaultAsync(ct);
        if (invoice is null)
        {
            return false;
        }

        Invoice = invoice;
        InvoiceLines = await db.InvoiceLines.AsNoTracking().Where(x => x.InvoiceId == invoice.Id).OrderBy(x => x.LineNumber).Take(500)
            .Select(x => new LineView(x.LineNumber, x.ProductCode, x.Description, x.Amount)).ToListAsync(ct);
        Reasons = DisputeService.Reasons(await settings.GetAsync(ct));
        return true;
    }

    public sealed record InvoiceView(long Id, string Number, DateOnly IssueDate, string Currency, decimal Total, decimal Open, bool IsVoid);

    public sealed record LineView(int LineNumber, string? ProductCode, string Description, decimal Amount);
}
