using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Webhooks;

namespace Portal.Features.Admin.Webhooks;

/// <summary>The operator's view of the webhook subscriptions the billing system set up, with what is stuck.</summary>
public sealed class IndexModel(PortalDb db) : PageModel
{
    public const int Limit = 200;

    public IReadOnlyList<Row> Subscriptions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking()
            .OrderBy(s => s.Name)
            .Select(s => new { s.Id, s.Name, s.Url, s.EventTypes, s.Active })
            .Take(Limit)
            .ToListAsync(ct);
        var open = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Status == WebhookDeliveryStatus.Pending || d.Status == WebhookDeliveryStatus.Failed || d.Status == WebhookDeliveryStatus.GaveUp)
            .GroupBy(d => new { d.SubscriptionId, d.Status })
            .Select(g => new { g.Key.SubscriptionId, g.Key.Status, Count = g.Count() })
            .ToListAsync(ct);
        int Count(long id, WebhookDeliveryStatus status) => open.FirstOrDefault(o => o.SubscriptionId == id && o.Status == status)?.Count ?? 0;
        Subscriptions = subscriptions
            .Select(s => new Row(s.Name, s.Url, s.EventTypes.Replace(",", ", ", StringComparison.Ordinal), s.Active,
                Count(s.Id, WebhookDeliveryStatus.Pending), Count(s.Id, WebhookDeliveryStatus.Failed), Count(s.Id, WebhookDeliveryStatus.GaveUp)))
            .ToList();
    }

    public sealed record Row(string Name, string Url, string EventTypes, bool Active, int Pending, int Retrying, int GaveUp);
}
