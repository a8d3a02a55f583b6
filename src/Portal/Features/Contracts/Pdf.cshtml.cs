using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Pdf;
using Portal.Resources;

namespace Portal.Features.Contracts;

/// <summary>The contract as a PDF download; its rates only for a member who may see money.</summary>
[RequiresFeature(PortalFeature.Contracts)]
[RequiresPermission(Permissions.View)]
public sealed class PdfModel(PortalDb db, OperatorSettingsCache settings, OperatorClock clock, IStringLocalizer<SharedResource> l) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var found = await DetailsModel.LoadAsync(db, account.Id, number, ct);
        if (found is null)
        {
            return NotFound();
        }

        var renter = await PdfAddressee.LoadAsync(db, account.Id, ct);
        var (contract, items) = found.Value;
        var bytes = ContractPdf.Render(new ContractPdf.Document(contract, renter, account.Currency, account.SeesMoney, await clock.TodayAsync(ct), items),
            await settings.GetAsync(ct), l, CultureInfo.CurrentCulture);
        return this.PdfFile(bytes, $"contract-{contract.Number}.pdf");
    }
}
