using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Usage.Exports;

/// <summary>
/// Downloads a finished export: only for the user who asked for it, only while they are a member of
/// its account (the account scope re-checks the membership on every request), only until it expires.
/// Another user's id, or a made-up one, is not found. The file is streamed a stored piece at a time.
/// </summary>
[RequiresFeature(PortalFeature.UsageExport)]
[RequiresPermission(Permissions.View)]
public sealed class DownloadModel(PortalDb db, AccountScope scope, OperatorClock clock) : PageModel
{
    public UsageExport? Export { get; private set; }

    public bool Expired { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var userId = HttpContext.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)!.Value;
        Export = id.Length > 32 ? null : await db.UsageExports.AsNoTracking().FirstOrDefaultAsync(e => e.PublicId == id && e.UserId == userId, ct);
        if (Export is null)
        {
            return NotFound();
        }

        // The link in the e-mail may be opened while another account is current: switch to the export's
        // account if (and only if) the user is still a member of it.
        if (Export.AccountId != HttpContext.CurrentAccount().Id && !await scope.SwitchToAsync(Export.AccountId, ct))
        {
            return NotFound();
        }

        if (Export.Status == UsageExportStatus.Expired || Export.ExpiresAt <= clock.UtcNow)
        {
            Expired = true;
            Response.StatusCode = StatusCodes.Status410Gone;
            return Page();
        }

        if (Export.Status != UsageExportStatus.Ready)
        {
            return Page();
        }

        var filter = UsageQueryValues.FromQueryString(Export.Filter);
        Response.ContentType = UsageExportFile.ContentType(Export.Format);
        Response.ContentLength = Export.SizeBytes;
        var name = $"usage-{filter.Period}.{(Export.Format == UsageExportFormat.Csv ? "csv" : "xlsx")}";
        Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = name }.ToString();
        for (var sequence = 0; ; sequence++)
        {
            var piece = await db.UsageExportChunks.AsNoTracking()
                .Where(c => c.ExportId == Export.Id && c.Sequence == sequence).Select(c => c.Data).FirstOrDefaultAsync(ct);
            if (piece is null)
            {
                break;
            }

            await Response.Body.WriteAsync(piece, ct);
        }

        return new EmptyResult();
    }
}
