using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Features.Requests;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Resources;

namespace Portal.Features.Quotes;

/// <summary>One quote: its lines and validity; an issued, still-valid quote can be accepted or declined (with a reason) once.</summary>
[RequiresFeature(PortalFeature.Quotes)]
public sealed class DetailsModel(PortalDb db, QuoteService quotes, OperatorClock clock, IStringLocalizer<SharedResource> l) : PageModel
{
    public CurrentAccount Account => HttpContext.CurrentAccount();

    public QuoteView Quote { get; private set; } = null!;

    public IReadOnlyList<QuoteLineRow> Lines { get; private set; } = [];

    public QuoteStatus Status { get; private set; }

    public bool CanAnswer => Status == QuoteStatus.Sent && Account.Can(Permissions.Quote);

    [BindProperty]
    public string? Reason { get; set; }

    public string? Error { get; private set; }

    public RequestThread Thread { get; private set; } = RequestThread.Empty;

    [TempData]
    public string? Answered { get; set; }

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct) =>
        await LoadAsync(number, ct) ? Page() : NotFound();

    [RequiresPermission(Permissions.Quote)]
    public async Task<IActionResult> OnPostAcceptAsync(string number, CancellationToken ct) =>
        await AfterAsync(number, await quotes.AcceptAsync(Account, User.FindFirstValue(ClaimTypes.NameIdentifier)!, number, ct), l["Thank you: the quote is accepted. We will be in touch to arrange it."], ct);

    [RequiresPermission(Permissions.Quote)]
    public async Task<IActionResult> OnPostDeclineAsync(string number, CancellationToken ct) =>
        await AfterAsync(number, await quotes.DeclineAsync(Account, User.FindFirstValue(ClaimTypes.NameIdentifier)!, number, Reason, ct), l["The quote is declined. Thank you for telling us why."], ct);

    private async Task<IActionResult> AfterAsync(string number, QuoteAnswer answer, string done, CancellationToken ct)
    {
        switch (answer)
        {
            case QuoteAnswer.NotFound:
                return NotFound();
            case QuoteAnswer.Refused refused:
                Error = refused.Message;
                await LoadAsync(number, ct);
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            default:
                Answered = done;
                return Redirect("/quotes/" + Uri.EscapeDataString(number));
        }
    }

    private async Task<bool> LoadAsync(string number, CancellationToken ct)
    {
        var account = Account;
        var quote = await db.Quotes.AsNoTracking().Where(q => q.AccountId == account.Id && q.Number == number)
            .Select(q => new QuoteView(q.Id, q.Number, q.Status, q.Source, q.RequestedAt, q.IssuedOn, q.ValidUntil, q.Currency, q.Total, q.RequestText, q.AcceptedAt, q.DeclinedAt, q.DeclineReason))
            .FirstOrDefaultAsync(ct);
        if (quote is null)
        {
            return false;
        }

        Quote = quote;
        Status = QuoteService.Effective(quote.Status, quote.ValidUntil, await clock.TodayAsync(ct));
        Lines = await db.Set<QuoteLine>().AsNoTracking().Where(x => x.QuoteId == quote.Id).OrderBy(x => x.LineNumber)
            .Select(x => new QuoteLineRow(x.LineNumber, x.ProductCode, x.Description, x.Quantity, x.Unit, x.UnitPrice, x.Amount))
            .ToListAsync(ct);
        Thread = await RequestThread.OfSubjectAsync(db, RequestKind.QuoteRequest, quote.Id, ct);
        return true;
    }

    public sealed record QuoteView(long Id, string Number, QuoteStatus Status, Orders.DocumentSource Source, DateTime RequestedAt, DateOnly? IssuedOn, DateOnly? ValidUntil, string Currency, decimal Total, string? RequestText, DateTime? AcceptedAt, DateTime? DeclinedAt, string? DeclineReason);

    public sealed record QuoteLineRow(int LineNumber, string? ProductCode, string Description, decimal Quantity, string? Unit, decimal UnitPrice, decimal Amount);
}
