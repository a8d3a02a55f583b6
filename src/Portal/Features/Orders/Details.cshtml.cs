using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure.AccountScope;
using Portal.Resources;

namespace Portal.Features.Orders;

/// <summary>One order: its lines with what has shipped, its deliveries, and the invoices that carry its PO number.</summary>
[RequiresFeature(PortalFeature.Orders)]
public sealed class DetailsModel(PortalDb db, OrderPadService pad, IStringLocalizer<SharedResource> l) : PageModel
{
    // An order's page lists at most this many invoices (those quoting its PO, newest first).
    private const int MaxInvoices = 20;

    public CurrentAccount Account => HttpContext.CurrentAccount();

    public OrderView Order { get; private set; } = null!;

    public IReadOnlyList<OrderLineRow> Lines { get; private set; } = [];

    public IReadOnlyList<DeliveryRow> Deliveries { get; private set; } = [];

    public IReadOnlyList<InvoiceRow> Invoices { get; private set; } = [];

    /// <summary>Set by the review after submitting: the confirmation shown once.</summary>
    [TempData]
    public string? OrderPlaced { get; set; }

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct)
    {
        var account = Account;
        var order = await db.Orders.AsNoTracking().Where(o => o.AccountId == account.Id && o.Number == number)
            .Select(o => new OrderView(o.Id, o.Number, o.OrderedAt, o.Status, o.Source, o.Currency, o.Total, o.PurchaseOrder, o.Notes, o.RequestedDate, o.DeliveryAddress))
            .FirstOrDefaultAsync(ct);
        if (order is null)
        {
            return NotFound();
        }

        Order = order;
        Lines = await db.Set<OrderLine>().AsNoTracking().Where(x => x.OrderId == order.Id).OrderBy(x => x.LineNumber)
            .Select(x => new OrderLineRow(x.LineNumber, x.ProductCode, x.Description, x.Quantity, x.Unit, x.UnitPrice, x.Amount, x.QuantityShipped))
            .ToListAsync(ct);
        Deliveries = await db.Deliveries.AsNoTracking().Where(d => d.OrderId == order.Id && d.AccountId == account.Id)
            .OrderByDescending(d => d.ShippedAt).ThenByDescending(d => d.Id).Take(50)
            .Select(d => new DeliveryRow(d.Number, d.Status, d.ShippedAt, d.DeliveredAt, d.Carrier, d.TrackingNumber, d.DeliveryAddress))
            .ToListAsync(ct);
        if (order.PurchaseOrder is not null)
        {
            Invoices = await db.Invoices.AsNoTracking().Where(i => i.AccountId == account.Id && i.PurchaseOrder == order.PurchaseOrder)
                .OrderByDescending(i => i.IssueDate).ThenByDescending(i => i.Id).Take(MaxInvoices)
                .Select(i => new InvoiceRow(i.Number, i.IssueDate, i.Currency, i.Total, i.OpenAmount, i.IsVoid))
                .ToListAsync(ct);
        }

        return Page();
    }

    /// <summary>Fills the order pad with this order's products that can still be ordered, at today's prices.</summary>
    [RequiresPermission(Permissions.Order)]
    public async Task<IActionResult> OnPostReorderAsync(string number, CancellationToken ct)
    {
        var account = Account;
        var orderId = await db.Orders.Where(o => o.AccountId == account.Id && o.Number == number).Select(o => (long?)o.Id).FirstOrDefaultAsync(ct);
        if (orderId is null)
        {
            return NotFound();
        }

        var skipped = await pad.ReorderAsync(account, User.FindFirstValue(ClaimTypes.NameIdentifier)!, orderId.Value, ct);
        TempData["PadMessage"] = skipped.Count == 0
            ? l["The products of order {0} are on your order pad, at today's prices.", number].Value
            : l["The products of order {0} are on your order pad, at today's prices. No longer available: {1}.", number, string.Join(", ", skipped)].Value;
        return Redirect("/orders/new");
    }

    public sealed record OrderView(long Id, string Number, DateTime OrderedAt, OrderStatus Status, DocumentSource Source, string Currency, decimal Total, string? PurchaseOrder, string? Notes, DateOnly? RequestedDate, string? DeliveryAddress);

    public sealed record OrderLineRow(int LineNumber, string ProductCode, string Description, decimal Quantity, string? Unit, decimal UnitPrice, decimal Amount, decimal Shipped);

    public sealed record DeliveryRow(string Number, string? Status, DateTime? ShippedAt, DateTime? DeliveredAt, string? Carrier, string? TrackingNumber, string? Address);

    public sealed record InvoiceRow(string Number, DateOnly IssueDate, string Currency, decimal Total, decimal Open, bool IsVoid);
}
