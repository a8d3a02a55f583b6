using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Admin.Requests;

/// <summary>Downloads a file attached to any request, for the operator's staff (the folder's policy).</summary>
public sealed class FileModel(PortalDb db) : PageModel
{
    public async Task<IActionResult> OnGetAsync(long fileId, CancellationToken ct)
    {
        var file = await db.RequestAttachments.AsNoTracking().Where(a => a.Id == fileId)
            .Select(a => new { a.FileName, a.ContentType, a.Content!.Bytes }).SingleOrDefaultAsync(ct);
        return file is null ? NotFound() : Portal.Features.Requests.FileModel.Serve(this, file.FileName, file.ContentType, file.Bytes);
    }
}
