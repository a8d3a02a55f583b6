using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Pdf;
using Portal.Resources;

namespace Portal.Features.Quotes;

/// <summary>The quote PDF, as a download. It is all amounts: a member who may not see money is not allowed.</summary>
[RequiresFeature(PortalFeature.Quotes)]
[RequiresPermission(Permissions.SeeMoney)]
public sealed class PdfModel(PortalDb db, OperatorSettingsCache settings, OperatorClock clock, IStringLocalizer<SharedResource> l) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var quote = await db.Quotes.AsNoTracking().Where(q => q.AccountId == account.Id && q.Number == number && q.Status != QuoteStatus.Requested)
            .Select(q => new { q.Id, q.Number, q.IssuedOn, q.ValidUntil, q.Status, q.Currency, q.Total }).FirstOrDefaultAsync(ct);
        if (quote is null)
        {
            return NotFound();
        }

        var customer = await PdfAddressee.LoadAsync(db, account.Id, ct);
        var lines = await db.Set<QuoteLine>().AsNoTracking().Where(x => x.QuoteId == quote.Id).OrderBy(x => x.LineNumber)
            .Select(x => new DetailsModel.QuoteLineRow(x.LineNumber, x.ProductCode, x.Description, x.Quantity, x.Unit, x.UnitPrice, x.Amount)).ToListAsync(ct);
        var status = QuoteService.Effective(quote.Status, quote.ValidUntil, await clock.TodayAsync(ct));
        var bytes = QuotePdf.Render(new QuotePdf.Document(quote.Number, customer, quote.IssuedOn, quote.ValidUntil, status, quote.Currency, quote.Total, lines),
            await settings.GetAsync(ct), l, CultureInfo.CurrentCulture);
        return this.PdfFile(bytes, $"quote-{quote.Number}.pdf");
    }
}
