using Microsoft.EntityFrameworkCore;
using Portal.Features.Requests;
using Portal.Infrastructure.Api;

namespace Portal.Features.Orders;

/// <summary>
/// <c>PUT /api/v1/orders/{externalId}</c> and <c>PUT /api/v1/deliveries/{externalId}</c>. An order placed in the
/// portal is acknowledged by sending <c>portalNumber</c>: the back office's id is then attached to it.
/// </summary>
public static class OrdersApi
{
    public sealed record OrderInput(string? Account, string? Number, string? PortalNumber, DateTime? OrderedAt, string? Status, string? Currency, string? PurchaseOrder, string? Notes, DateOnly? RequestedDate, IReadOnlyList<PricedLineInput?>? Lines);

    public sealed record OrderResponse(string? ExternalId, string Account, string Number, DateTime OrderedAt, OrderStatus Status, DocumentSource Source, string Currency, decimal Total, string? PurchaseOrder, IReadOnlyList<PricedLineResponse> Lines);

    public sealed record DeliveryInput(string? Account, string? Number, string? Order, string? Status, DateTime? ShippedAt, DateTime? DeliveredAt, string? Carrier, string? TrackingNumber, string? DeliveryAddress);

    public sealed record DeliveryResponse(string ExternalId, string Account, string Number, string? Order, string? Status, DateTime? ShippedAt, DateTime? DeliveredAt, string? Carrier, string? TrackingNumber);

    public static RouteGroupBuilder MapOrdersApi(this RouteGroupBuilder api)
    {
        api.MapPut("/orders/{externalId}", (string externalId, HttpRequest request, [AsParameters] UpsertServices services, CancellationToken ct) =>
                UpsertEndpoint.HandleAsync<OrderInput, OrderResponse>(request, $"/api/v1/orders/{Uri.EscapeDataString(externalId)}", input => UpsertOrderAsync(services, externalId, input, ct), ct))
            .WithName("UpsertOrder").WithSummary("Creates or updates an order (at most 1,000 lines); acknowledges a portal order when portalNumber is sent.").Accepts<OrderInput>("application/json").ProducesUpsertProblems();
        api.MapPut("/deliveries/{externalId}", (string externalId, HttpRequest request, [AsParameters] UpsertServices services, CancellationToken ct) =>
                UpsertEndpoint.HandleAsync<DeliveryInput, DeliveryResponse>(request, $"/api/v1/deliveries/{Uri.EscapeDataString(externalId)}", input => UpsertDeliveryAsync(services, externalId, input, ct), ct))
            .WithName("UpsertDelivery").WithSummary("Creates or updates a delivery (shipment) of an order.").Accepts<DeliveryInput>("application/json").ProducesUpsertProblems();
        return api;
    }

    private static readonly PortalDocumentWords Words = new("order", "portal order", "Portal order", "Order already acknowledged");

    private static readonly DocumentWords DeliveryWords = new("delivery");

    public static async Task<UpsertOutcome<OrderResponse>> UpsertOrderAsync(UpsertServices services, string externalId, OrderInput input, CancellationToken ct)
    {
        var (db, time, _) = services;
        var e = new ApiErrors();
        e.ExternalId("externalId", externalId);
        var account = await e.AccountAsync(db, "account", input.Account, ct);
        var number = e.Text("number", input.Number, 50, required: true);
        var portalNumber = e.Text("portalNumber", input.PortalNumber, 50);
        var currency = e.CurrencyOf("currency", input.Currency, account);
        var status = e.Enum<OrderStatus>("status", input.Status) ?? OrderStatus.Confirmed;
        var orderedAt = e.Required("orderedAt", input.OrderedAt);
        var purchaseOrder = e.Text("purchaseOrder", input.PurchaseOrder, 100);
        var notes = e.Text("notes", input.Notes, 2000, multiline: true);
        var lines = PricedLines.Read(e, input.Lines, currency, productRequired: true);
        if (e.Any)
        {
            return new UpsertOutcome<OrderResponse>.Invalid(e);
        }

        var (order, refusal) = await PortalDocuments.FindForUpsertAsync<Order, OrderResponse>(
            db.Orders.Include(o => o.Lines), externalId, portalNumber, number!, account!.Id, Words, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var now = ApiWrites.Now(time);
        var created = order is null;
        order ??= db.Orders.Add(new Order { Number = number!, Currency = currency!, Source = DocumentSource.BillingSystem, AccountId = account.Id, UpdatedAt = now }).Entity;
        order.ExternalId = externalId;
        order.Number = number!;
        order.OrderedAt = orderedAt.ToUniversalTime();
        order.Status = status;
        order.Currency = currency!;
        order.PurchaseOrder = purchaseOrder;
        order.Notes = notes;
        order.RequestedDate = input.RequestedDate;

        // An acknowledgement without lines keeps the lines the customer ordered in the portal.
        if (lines.Count > 0 || created)
        {
            ApiWrites.SyncLines(db, order.Lines, lines.Select(l => new OrderLine
            {
                LineNumber = l.LineNumber,
                ProductCode = l.ProductCode!,
                Description = l.Description,
                Quantity = l.Quantity,
                Unit = l.Unit,
                UnitPrice = l.UnitPrice,
                Amount = l.Amount,
            }), l => l.LineNumber);
            order.Total = order.Lines.Sum(l => l.Amount);
        }

        var changed = !created && ApiWrites.HasChanges(db);
        if (changed)
        {
            order.UpdatedAt = now;
        }

        // A portal order's entry in the requests inbox follows the number and status the billing system
        // gives it, with the move written in its thread, in the same save (orders are read only there).
        if (!created && order.Source == DocumentSource.Portal && await CustomerRequestHub.FindAsync(db, RequestKind.Order, order.Id, ct) is { } entry)
        {
            entry.Number = order.Number;
            CustomerRequestHub.MoveAndPost(db, entry, CustomerRequestHub.StatusName(order.Status), OrderPadService.IsOpenStatus(order.Status), MessageSide.BillingSystem, null, "Billing system", now);
        }

        if (await ApiWrites.SaveAsync<OrderResponse>(db, services.Log, ct) is { } conflict)
        {
            return conflict;
        }

        var response = new OrderResponse(order.ExternalId, input.Account!.Trim(), order.Number, order.OrderedAt, order.Status, order.Source, order.Currency, order.Total, order.PurchaseOrder,
            order.Lines.OrderBy(l => l.LineNumber).Select(l => new PricedLineResponse(l.LineNumber, l.ProductCode, l.Description, l.Quantity, l.Unit, l.UnitPrice, l.Amount)).ToList());
        return created ? new UpsertOutcome<OrderResponse>.Created(response) : new UpsertOutcome<OrderResponse>.Updated(response, changed);
    }

    public static async Task<UpsertOutcome<DeliveryResponse>> UpsertDeliveryAsync(UpsertServices services, string externalId, DeliveryInput input, CancellationToken ct)
    {
        var (db, time, _) = services;
        var e = new ApiErrors();
        e.ExternalId("externalId", externalId);
        var account = await e.AccountAsync(db, "account", input.Account, ct);
        var number = e.Text("number", input.Number, 50, required: true);
        var status = e.Text("status", input.Status, 50);
        var carrier = e.Text("carrier", input.Carrier, 100);
        var trackingNumber = e.Text("trackingNumber", input.TrackingNumber, 100);
        var deliveryAddress = e.Text("deliveryAddress", input.DeliveryAddress, 500, multiline: true);
        var orderExternalId = e.Text("order", input.Order, 100);
        long? orderId = null;
        if (orderExternalId is not null && account is not null && !e.AnyUnder("order"))
        {
            var order = await db.Orders.Where(o => o.ExternalId == orderExternalId).Select(o => new { o.Id, o.AccountId }).FirstOrDefaultAsync(ct);
            if (order is null || order.AccountId != account.Id)
            {
                e.Add("order", $"No order '{orderExternalId}' on this account.");
            }
            else
            {
                orderId = order.Id;
            }
        }

        if (input.DeliveredAt < input.ShippedAt)
        {
            e.Add("deliveredAt", "Must not be before shippedAt.");
        }

        if (e.Any)
        {
            return new UpsertOutcome<DeliveryResponse>.Invalid(e);
        }

        var delivery = await db.Deliveries.FirstOrDefaultAsync(d => d.ExternalId == externalId, ct);
        if (delivery is not null && delivery.AccountId != account!.Id)
        {
            return ApiWrites.OtherAccount<DeliveryResponse>(DeliveryWords, externalId);
        }

        var now = ApiWrites.Now(time);
        var created = delivery is null;
        delivery ??= db.Deliveries.Add(new Delivery { ExternalId = externalId, Number = number!, AccountId = account!.Id, UpdatedAt = now }).Entity;
        delivery.Number = number!;
        delivery.OrderId = orderId;
        delivery.Status = status;
        delivery.ShippedAt = input.ShippedAt?.ToUniversalTime();
        delivery.DeliveredAt = input.DeliveredAt?.ToUniversalTime();
        delivery.Carrier = carrier;
        delivery.TrackingNumber = trackingNumber;
        delivery.DeliveryAddress = deliveryAddress;
        var changed = !created && ApiWrites.HasChanges(db);
        if (changed)
        {
            delivery.UpdatedAt = now;
        }

        if (await ApiWrites.SaveAsync<DeliveryResponse>(db, services.Log, ct) is { } conflict)
        {
            return conflict;
        }

        var response = new DeliveryResponse(externalId, input.Account!.Trim(), delivery.Number, orderExternalId, delivery.Status, delivery.ShippedAt, delivery.DeliveredAt, delivery.Carrier, delivery.TrackingNumber);
        return created ? new UpsertOutcome<DeliveryResponse>.Created(response) : new UpsertOutcome<DeliveryResponse>.Updated(response, changed);
    }
}
