using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Requests;

/// <summary>Downloads one file attached to one of the account's requests; anything else is not found.</summary>
public sealed class FileModel(PortalDb db) : PageModel
{
    public async Task<IActionResult> OnGetAsync(long fileId, CancellationToken ct)
    {
        var accountId = HttpContext.CurrentAccount().Id;
        var file = await db.RequestAttachments.AsNoTracking().Where(a => a.Id == fileId)
            .Join(db.CustomerRequests.Where(r => r.AccountId == accountId), a => a.RequestId, r => r.Id, (a, r) => new { a.FileName, a.ContentType, a.Content!.Bytes })
            .SingleOrDefaultAsync(ct);
        return file is null ? NotFound() : Serve(this, file.FileName, file.ContentType, file.Bytes);
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
