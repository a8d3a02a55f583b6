using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Invoices;

/// <summary>Downloads one attachment of one of the account's invoices; anything else is not found.</summary>
/// <remarks>The same permission as the invoice PDF: attachments are often the billing system's own PDF of the invoice.</remarks>
[RequiresPermission(Permissions.SeeMoney)]
public sealed class AttachmentModel(PortalDb db) : PageModel
{
    private static readonly HashSet<string> SafeTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "application/pdf", "image/png", "image/jpeg", "text/csv", "text/plain",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };

    public async Task<IActionResult> OnGetAsync(string number, long id, CancellationToken ct)
    {
        var accountId = HttpContext.CurrentAccount().Id;
        var file = await db.InvoiceAttachments.AsNoTracking()
            .Where(a => a.Id == id)
            .Join(db.Invoices.Where(i => i.AccountId == accountId && i.Number == number), a => a.InvoiceId, i => i.Id, (a, i) => a)
            .Select(a => new { a.FileName, a.ContentType, a.Content!.Bytes })
            .SingleOrDefaultAsync(ct);
        if (file is null)
        {
            return NotFound();
        }

        // Always a download (Content-Disposition: attachment), and only inert types keep their own
        // content type, so a stored HTML or SVG file can never run in the portal's origin.
        var type = SafeTypes.Contains(file.ContentType) ? file.ContentType : "application/octet-stream";
        return File(file.Bytes, type, file.FileName);
    }
}
