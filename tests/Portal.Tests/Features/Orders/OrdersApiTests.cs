using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Orders;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Orders;

public sealed class OrdersApiTests(PortalFactory portal)
{
    private static object OrderBody(string number, string? portalNumber = null, string currency = "USD") => new
    {
        account = "ACC-10001",
        number,
        portalNumber,
        orderedAt = "2026-11-02T15:04:00Z",
        status = "confirmed",
        currency,
        lines = new[] { new { productCode = "PPE-KIT", description = "Safety kit", quantity = 3, unit = "each", unitPrice = 42.755m } },
    };

    [Fact]
    public async Task Order_total_is_computed_from_lines_rounded_to_the_currency()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var id = IntegrationClient.Unique("O");

        var response = await client.PutAsJsonAsync($"/api/v1/orders/{id}", OrderBody(id), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(128.27m, body.GetProperty("total").GetDecimal()); // 3 × 42.755 = 128.265 -> 128.27
    }

    [Fact]
    public async Task A_portal_order_is_acknowledged_by_its_portal_number_once()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var portalNumber = IntegrationClient.Unique("WEB");
        await portal.WithDbAsync(async db =>
        {
            var account = await db.Accounts.SingleAsync(a => a.ExternalId == "ACC-10001", TestContext.Current.CancellationToken);
            db.Orders.Add(new Order { AccountId = account.Id, Number = portalNumber, Currency = "USD", Source = DocumentSource.Portal, Status = OrderStatus.Submitted, OrderedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        var erpId = IntegrationClient.Unique("ERP");

        var ack = await client.PutAsJsonAsync($"/api/v1/orders/{erpId}", OrderBody(portalNumber, portalNumber), TestContext.Current.CancellationToken);
        var again = await client.PutAsJsonAsync($"/api/v1/orders/{IntegrationClient.Unique("ERP")}", OrderBody(portalNumber, portalNumber), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var order = await portal.WithDbAsync(db => db.Orders.AsNoTracking().SingleAsync(o => o.Number == portalNumber, TestContext.Current.CancellationToken));
        Assert.Equal(erpId, order.ExternalId);
        Assert.Equal(OrderStatus.Confirmed, order.Status);
    }

    [Fact]
    public async Task An_order_in_another_currency_than_its_account_is_refused()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var id = IntegrationClient.Unique("O");

        var response = await client.PutAsJsonAsync($"/api/v1/orders/{id}", OrderBody(id, currency: "EUR"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("currency", await IntegrationClient.ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task A_delivery_may_only_name_an_order_of_its_own_account()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var orderId = IntegrationClient.Unique("O");
        await client.PutAsJsonAsync($"/api/v1/orders/{orderId}", OrderBody(orderId), TestContext.Current.CancellationToken);

        var own = await client.PutAsJsonAsync($"/api/v1/deliveries/{IntegrationClient.Unique("D")}", new { account = "ACC-10001", number = IntegrationClient.Unique("DN"), order = orderId, shippedAt = "2026-11-03T10:00:00Z", carrier = "UPS", trackingNumber = "1Z999" }, TestContext.Current.CancellationToken);
        var foreign = await client.PutAsJsonAsync($"/api/v1/deliveries/{IntegrationClient.Unique("D")}", new { account = "ACC-30001", number = IntegrationClient.Unique("DN"), order = orderId }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Contains("order", await IntegrationClient.ErrorFieldsAsync(foreign));
    }
}
