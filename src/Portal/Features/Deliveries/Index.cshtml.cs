using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Operator;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Deliveries;

/// <summary>What has shipped to the account, newest first, keyset-paged over (AccountId, ShippedAt, Id); part of the Orders feature.</summary>
[RequiresFeature(PortalFeature.Orders)]
public sealed class IndexModel(PortalDb db, IStringLocalizer<SharedResource> l) : KeysetListPage<IndexModel.DeliveryRow>
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    public CurrentAccount Account => HttpContext.CurrentAccount();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var account = Account;
        Status = Status?.Trim().ToLowerInvariant() is "intransit" or "delivered" ? Status.Trim().ToLowerInvariant() : null;
        var query = db.Deliveries.AsNoTracking().Where(d => d.AccountId == account.Id && d.ShippedAt != null);
        query = Status switch
        {
            "intransit" => query.Where(d => d.DeliveredAt == null),
            "delivered" => query.Where(d => d.DeliveredAt != null),
            _ => query,
        };
        var page = await Keyset.ReadAsync(query, "shipped", d => d.ShippedAt!.Value, d => d.Id, true, After,
            d => new DeliveryRow(d.Id, d.Number, d.Status, d.ShippedAt!.Value, d.DeliveredAt, d.Carrier, d.TrackingNumber, d.DeliveryAddress,
                db.Orders.Where(o => o.Id == d.OrderId && o.AccountId == account.Id).Select(o => o.Number).FirstOrDefault()),
            r => (r.ShippedAt, r.Id), PageSize, ct);
        ShowPage(page, l);
    }

    public string Link(string? after = null) =>
        ListPaging.Link("/deliveries", new Dictionary<string, string?>(StringComparer.Ordinal) { ["status"] = Status, ["after"] = after });

    public sealed record DeliveryRow(long Id, string Number, string? Status, DateTime ShippedAt, DateTime? DeliveredAt, string? Carrier, string? TrackingNumber, string? Address, string? OrderNumber);
}
