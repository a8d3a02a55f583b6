using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Pdf;
using Portal.Resources;

namespace Portal.Features.Payments;

/// <summary>A payment's receipt as a PDF download, like the receipt page; every download is on the activity trail.</summary>
[RequiresPermission(Permissions.SeeMoney)]
public sealed class PdfModel(
    PortalDb db, OperatorSettingsCache settings, OperatorClock clock, ActivityLog activity, IStringLocalizer<SharedResource> l) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var receipt = await DetailsModel.LoadAsync(db, account.Id, number, ct);
        if (receipt is null)
        {
            return NotFound();
        }

        var payer = await db.Accounts.AsNoTracking().Where(a => a.Id == account.Id)
            .Select(a => new ReceiptPayer(a.Number, a.Name)).SingleAsync(ct);
        var bytes = ReceiptPdf.Render(receipt, payer, await settings.GetAsync(ct), await clock.ZoneAsync(ct), l, CultureInfo.CurrentCulture);

        return await this.RecordedPdfFileAsync(db, activity, account.Id, "receipt.downloaded", receipt.Number, bytes, $"receipt-{receipt.Number}.pdf", ct);
    }
}
