using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Portal.Data;
using Portal.Infrastructure.Activity;

namespace Portal.Infrastructure.Pdf;

/// <summary>
/// How a page sends a PDF it rendered: as an attachment under the page's file name, and never kept by a
/// shared cache, since it is one account's document. The pages keep what is theirs (loading, rendering,
/// the file name and the trail's wording); this is only the sending they all did alike.
/// </summary>
public static class PdfDownload
{
    public const string ContentType = "application/pdf";

    /// <summary>The PDF as a download named <paramref name="fileName"/>.</summary>
    public static FileContentResult PdfFile(this PageModel page, byte[] bytes, string fileName)
    {
        page.Response.Headers.CacheControl = "private, no-store";
        return page.File(bytes, ContentType, fileName);
    }

    /// <summary>
    /// As <see cref="PdfFile"/>, after putting the download on the account's activity trail as
    /// <paramref name="action"/> by the signed-in user. The entry is saved before the file is sent, so a
    /// download is never handed out without its entry.
    /// </summary>
    public static async Task<FileContentResult> RecordedPdfFileAsync(
        this PageModel page, PortalDb db, ActivityLog activity, long accountId, string action, string detail, byte[] bytes, string fileName, CancellationToken ct)
    {
        activity.Record(action, page.User.FindFirstValue(ClaimTypes.NameIdentifier), accountId, detail: detail);
        await db.SaveChangesAsync(ct);
        return page.PdfFile(bytes, fileName);
    }
}
