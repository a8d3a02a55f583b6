using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Requests;

/// <summary>
/// Downloads one file attached to one of the account's requests; anything else is not found. The
/// file answers as its request's own page would: its kind's feature off, not found; its kind's
/// permission missing, the "not allowed" page (<see cref="RequestKindPages"/>).
/// </summary>
public sealed class FileModel(PortalDb db, OperatorSettingsCache settings) : PageModel
{
    public async Task<IActionResult> OnGetAsync(long fileId, CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var kind = await db.RequestAttachments.AsNoTracking().Where(a => a.Id == fileId)
            .Join(db.CustomerRequests.Where(r => r.AccountId == account.Id), a => a.RequestId, r => r.Id, (a, r) => (RequestKind?)r.Kind)
            .SingleOrDefaultAsync(ct);
        if (kind is null)
        {
            return NotFound();
        }

        switch (RequestKindPages.Evaluate(kind.Value, await settings.GetAsync(ct), account))
        {
            case RequirementVerdict.NotFound:
                return NotFound();
            case RequirementVerdict.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
        }

        // The bytes are read only once the reader may have them.
        var file = await db.RequestAttachments.AsNoTracking().Where(a => a.Id == fileId)
            .Select(a => new { a.FileName, a.ContentType, a.Content!.Bytes }).SingleAsync(ct);
        return Serve(this, file.FileName, file.ContentType, file.Bytes);
    }

    /// <summary>
    /// Always a download (Content-Disposition: attachment) with nosniff, in the type read from the bytes
    /// when it was uploaded (PNG, JPEG or PDF), so a file can never run in the portal's origin.
    /// </summary>
    public static IActionResult Serve(PageModel page, string fileName, string contentType, byte[] bytes)
    {
        page.Response.Headers.XContentTypeOptions = "nosniff";
        var type = contentType is "image/png" or "image/jpeg" or "application/pdf" ? contentType : "application/octet-stream";
        return page.File(bytes, type, fileName);
    }
}
