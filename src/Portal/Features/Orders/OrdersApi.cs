using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Integration;

namespace Portal.Features.Orders;

/// <summary>
/// <c>PUT /api/v1/orders/{externalId}</c> and <c>PUT /api/v1/deliveries/{externalId}</c>. An order placed in the
/// portal is acknowledged by sending <c>portalNumber</c>: the back office's id is then attached to it.
/// </summary>
public static class OrdersApi
{
    public sealed record OrderInput(string? Account, string? Number, string? PortalNumber, DateTime? OrderedAt, string? Status, string? Currency, string? PurchaseOrder, string? Notes, DateOnly? RequestedDate, IReadOnlyList<PricedLineInput>? Lines);

    public sealed record OrderResponse(string? ExternalId, string Account, string Number, DateTime OrderedAt, string Status, string Source, string Currency, decimal Total, string? PurchaseOrder, IReadOnlyList<PricedLineResponse> Lines);

    public sealed record DeliveryInput(string? Account, string? Number, string? Order, string? Status, DateTime? ShippedAt, DateTime? DeliveredAt, string? Carrier, string? TrackingNumber, string? DeliveryAddress);

    public sealed record DeliveryResponse(string ExternalId, string Account, string Number, string? Order, string? Status, DateTime? ShippedAt, DateTime? DeliveredAt, string? Carrier, string? TrackingNumber);

    public static RouteGroupBuilder MapOrdersApi(this RouteGroupBuilder api)
    {
        api.MapPut("/orders/{externalId}", async (string externalId, OrderInput input, PortalDb db, TimeProvider time, CancellationToken ct) =>
                (await UpsertOrderAsync(db, time, externalId, input, ct)).ToHttp($"/api/v1/orders/{Uri.EscapeDataString(externalId)}"))
            .WithName("UpsertOrder").WithSummary("Creates or updates an order; acknowledges a portal order when portalNumber is sent.").ProducesUpsertProblems();
        api.MapPut("/deliveries/{externalId}", async (string externalId, DeliveryInput input, PortalDb db, TimeProvider time, CancellationToken ct) =>
                (await UpsertDeliveryAsync(db, time, externalId, input, ct)).ToHttp($"/api/v1/deliveries/{Uri.EscapeDataString(externalId)}"))
            .WithName("UpsertDelivery").WithSummary("Creates or updates a delivery (shipment) of an order.").ProducesUpsertProblems();
        return api;
    }

    public static async Task<UpsertOutcome<OrderResponse>> UpsertOrderAsync(PortalDb db, TimeProvider time, string externalId, OrderInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("externalId", externalId, 100);
        var account = await errors.AccountAsync(db, "account", input.Account, ct);

        errors.Text("number", input.Number, 50);
        errors.Text("portalNumber", input.PortalNumber, 50, required: false);
        errors.CurrencyOf("currency", input.Currency, account);

        var status = errors.Enum<OrderStatus>("status", input.Status) ?? OrderStatus.Confirmed;

        if (input.OrderedAt is null)
        {
            errors.Add("orderedAt", "Required.");
        }

        errors.Text("purchaseOrder", input.PurchaseOrder, 100, required: false);
        errors.Text("notes", input.Notes, 2000, required: false);
        var lines = input.Lines ?? [];
        PricedLines.Validate(errors, lines, productRequired: true);
        if (errors.Any)
        {
            return new UpsertOutcome<OrderResponse>.Invalid(errors);
        }

        var (order, refusal) = await PortalDocuments.FindForUpsertAsync<Order, OrderResponse>(
            db.Orders.Include(o => o.Lines), externalId, input.PortalNumber, input.Number!, account!.Id, new("order", "portal order", "Portal order", "Order already acknowledged"), ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var created = order is null;
        order ??= db.Orders.Add(new Order { Number = input.Number!, Currency = account!.Currency, Source = DocumentSource.BillingSystem }).Entity;
        order.ExternalId = externalId;
        order.AccountId = account!.Id;
        order.Number = input.Number!;
        order.OrderedAt = input.OrderedAt!.Value.ToUniversalTime();
        order.Status = status;
        order.Currency = input.Currency!;
        order.PurchaseOrder = input.PurchaseOrder;
        order.Notes = input.Notes;
        order.RequestedDate = input.RequestedDate;
        order.UpdatedAt = time.GetUtcNow().UtcDateTime;
        if (lines.Count > 0 || created)
        {
            order.Lines.Clear();
            order.Lines.AddRange(lines.Select((l, i) => new OrderLine
            {
                LineNumber = i + 1,
                ProductCode = l.ProductCode!,
                Description = l.Description!,
                Quantity = l.Quantity!.Value,
                Unit = l.Unit,
                UnitPrice = l.UnitPrice!.Value,
                Amount = PricedLines.Amount(l.Quantity!.Value, l.UnitPrice!.Value, order.Currency),
            }));
            order.Total = order.Lines.Sum(l => l.Amount);
        }

        await db.SaveChangesAsync(ct);
        var response = new OrderResponse(order.ExternalId, input.Account!, order.Number, order.OrderedAt, order.Status.ToString(), order.Source.ToString(), order.Currency, order.Total, order.PurchaseOrder,
            order.Lines.OrderBy(l => l.LineNumber).Select(l => new PricedLineResponse(l.LineNumber, l.ProductCode, l.Description, l.Quantity, l.Unit, l.UnitPrice, l.Amount)).ToList());
        return created ? new UpsertOutcome<OrderResponse>.Created(response) : new UpsertOutcome<OrderResponse>.Updated(response);
    }

    public static async Task<UpsertOutcome<DeliveryResponse>> UpsertDeliveryAsync(PortalDb db, TimeProvider time, string externalId, DeliveryInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("externalId", externalId, 100);
        var account = await errors.AccountAsync(db, "account", input.Account, ct);

        errors.Text("number", input.Number, 50);
        errors.Text("status", input.Status, 50, required: false);
        errors.Text("carrier", input.Carrier, 100, required: false);
        errors.Text("trackingNumber", input.TrackingNumber, 100, required: false);
        errors.Text("deliveryAddress", input.DeliveryAddress, 500, required: false);
        long? orderId = null;
        if (!string.IsNullOrEmpty(input.Order) && account is not null)
        {
            var order = await db.Orders.Where(o => o.ExternalId == input.Order).Select(o => new { o.Id, o.AccountId }).FirstOrDefaultAsync(ct);
            if (order is null || order.AccountId != account.Id)
            {
                errors.Add("order", $"No order '{input.Order}' on this account.");
            }
            else
            {
                orderId = order.Id;
            }
        }

        if (input.DeliveredAt < input.ShippedAt)
        {
            errors.Add("deliveredAt", "Must not be before shippedAt.");
        }

        if (errors.Any)
        {
            return new UpsertOutcome<DeliveryResponse>.Invalid(errors);
        }

        var delivery = await db.Deliveries.FirstOrDefaultAsync(d => d.ExternalId == externalId, ct);
        var created = delivery is null;
        delivery ??= db.Deliveries.Add(new Delivery { ExternalId = externalId, Number = input.Number! }).Entity;
        delivery.AccountId = account!.Id;
        delivery.Number = input.Number!;
        delivery.OrderId = orderId;
        delivery.Status = input.Status;
        delivery.ShippedAt = input.ShippedAt?.ToUniversalTime();
        delivery.DeliveredAt = input.DeliveredAt?.ToUniversalTime();
        delivery.Carrier = input.Carrier;
        delivery.TrackingNumber = input.TrackingNumber;
        delivery.DeliveryAddress = input.DeliveryAddress;
        delivery.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        var response = new DeliveryResponse(externalId, input.Account!, delivery.Number, input.Order, delivery.Status, delivery.ShippedAt, delivery.DeliveredAt, delivery.Carrier, delivery.TrackingNumber);
        return created ? new UpsertOutcome<DeliveryResponse>.Created(response) : new UpsertOutcome<DeliveryResponse>.Updated(response);
    }
}
