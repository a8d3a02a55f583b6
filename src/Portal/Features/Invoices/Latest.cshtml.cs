using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Invoices;

/// <summary>"View last invoice": the newest invoice's detail page, or a page saying there is none yet.</summary>
public sealed class LatestModel(PortalDb db) : PageModel
{
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var accountId = HttpContext.CurrentAccount().Id;
        var number = await db.Invoices.AsNoTracking()
            .Where(i => i.AccountId == accountId)
            .OrderByDescending(i => i.IssueDate).ThenByDescending(i => i.Id)
            .Select(i => i.Number)
            .FirstOrDefaultAsync(ct);
        return number is null ? Page() : Redirect("/invoices/" + Uri.EscapeDataString(number));
    }
}
