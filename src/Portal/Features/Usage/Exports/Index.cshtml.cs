using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Usage.Exports;

/// <summary>The current user's recent usage exports on the current account, newest first.</summary>
[RequiresFeature(PortalFeature.UsageExport)]
[RequiresPermission(Permissions.View)]
public sealed class IndexModel(PortalDb db, OperatorClock clock) : PageModel
{
    public const int Shown = 20;

    [BindProperty(SupportsGet = true)]
    public string? Queued { get; set; }

    public IReadOnlyList<ExportRow> Exports { get; private set; } = [];

    public DateTime Now { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var userId = HttpContext.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)!.Value;
        var accountId = HttpContext.CurrentAccount().Id;
        Now = clock.UtcNow;
        Exports = await db.UsageExports.AsNoTracking()
            .Where(e => e.UserId == userId && e.AccountId == accountId)
            .OrderByDescending(e => e.Id)
            .Take(Shown)
            .Select(e => new ExportRow(e.PublicId, e.Format, e.Filter, e.Status, e.RowCount, e.SizeBytes, e.CreatedAt, e.ExpiresAt))
            .ToListAsync(ct);
    }

    public sealed record ExportRow(
        string PublicId, UsageExportFormat Format, string Filter, UsageExportStatus Status, int? Rows, long? Size, DateTime CreatedAt, DateTime ExpiresAt);
}
