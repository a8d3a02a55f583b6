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

        var a = await db.Accounts.AsNoTracking().Where(x => x.Id == account.Id)
            .Select(x => new { x.Name, x.Number, x.AddressLine1, x.AddressLine2, x.City, x.Region, x.PostalCode }).FirstAsync(ct);
        var address = new[] { a.AddressLine1, a.AddressLine2, string.Join(" ", new[] { a.City, a.Region, a.PostalCode }.Where(s => !string.IsNullOrWhiteSpace(s))) }
            .Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!).ToList();
        var (contract, items) = found.Value;
        var bytes = ContractPdf.Render(new ContractPdf.Document(contract, a.Name, a.Number, address, account.Currency, account.SeesMoney, await clock.TodayAsync(ct), items),
            await settings.GetAsync(ct), l, CultureInfo.CurrentCulture);
        Response.Headers.CacheControl = "private, no-store";
        return File(bytes, "application/pdf", $"contract-{contract.Number}.pdf");
    }
}
