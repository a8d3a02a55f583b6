using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Admin.Staff;
using Portal.Features.Webhooks;

namespace Portal.Features.Admin.Webhooks;

/// <summary>One subscription's delivery log, newest event first, with "retry now" for what failed.</summary>
public sealed class DetailsModel(PortalDb db, TimeProvider time, Audit.StaffAudit audit) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public string Name { get; private set; } = "";

    public string TargetUrl { get; private set; } = "";

    public bool Active { get; private set; }

    public IReadOnlyList<DeliveryLog.Row> Deliveries { get; private set; } = [];

    public long? OlderCursor { get; private set; }

    public static readonly IReadOnlyList<WebhookDeliveryStatus> Statuses = Enum.GetValues<WebhookDeliveryStatus>();

    public async Task<IActionResult> OnGetAsync(string name, CancellationToken ct)
    {
        var subscription = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.Name == name)
            .Select(s => new { s.Id, s.Name, s.Url, s.Active }).FirstOrDefaultAsync(ct);
        if (subscription is null)
        {
            return NotFound();
        }

        (Name, TargetUrl, Active) = (subscription.Name, subscription.Url, subscription.Active);
        var rows = await DeliveryLog.QueryAsync(db, subscription.Id, ParseStatus(Status), Before, PageSize, ct);
        Deliveries = rows.Take(PageSize).ToList();
        OlderCursor = rows.Count > PageSize ? Deliveries[^1].EventCursor : null;
        return Page();
    }

    [RequiresStaffRole(StaffRole.Administrator)]
    public async Task<IActionResult> OnPostRetryAsync(string name, long id, CancellationToken ct)
    {
        var subscriptionId = await db.WebhookSubscriptions.Where(s => s.Name == name).Select(s => (long?)s.Id).FirstOrDefaultAsync(ct);
        if (subscriptionId is null)
        {
            return NotFound();
        }

        // The retry and its audit entry are one unit of work.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var retried = await DeliveryLog.RetryNowAsync(db, subscriptionId.Value, id, time.GetUtcNow().UtcDateTime, ct);
        if (retried > 0)
        {
            audit.Record("webhook.delivery_retried", "webhook", name, new { delivery = id, retry = "scheduled" }, new { delivery = id, retry = "now" });
            await db.SaveChangesAsync(ct);
        }

        await tx.CommitAsync(ct);
        return RedirectToPage(new { name, status = Status, before = Before });
    }

    public static WebhookDeliveryStatus? ParseStatus(string? status) =>
        Enum.TryParse<WebhookDeliveryStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(status, out _) ? parsed : null;
}
