using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Pdf;
using Portal.Resources;

namespace Portal.Features.Invoices;

/// <summary>The invoice PDF, as a download; every download is on the account's activity trail.</summary>
/// <remarks>The PDF is all amounts: a user who may not see money gets the plain "not allowed" page.</remarks>
[RequiresPermission(Permissions.SeeMoney)]
public sealed class PdfModel(
    PortalDb db, OperatorSettingsCache settings, OperatorClock clock, ActivityLog activity, IStringLocalizer<SharedResource> l) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var invoice = await InvoiceDocument.LoadAsync(db, account.Id, number, ct);
        if (invoice is null)
        {
            return NotFound();
        }

        var status = InvoiceStatuses.Of(invoice.IsVoid, invoice.Total, invoice.Open, invoice.DueDate, await clock.TodayAsync(ct));
        var bytes = InvoicePdf.Render(invoice, status, await settings.GetAsync(ct), l, CultureInfo.CurrentCulture);

        return await this.RecordedPdfFileAsync(db, activity, account.Id, "invoice.downloaded", invoice.Number, bytes, $"invoice-{invoice.Number}.pdf", ct);
    }
}
