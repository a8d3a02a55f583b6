using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Catalog;

public sealed class CatalogApiTests(PortalFactory portal)
{
    [Fact]
    public async Task Product_upsert_creates_then_updates_the_same_row()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var code = IntegrationClient.Unique("P");
        var body = new { name = "Trench shoring box", unit = "day", listPrice = 89.5m, currency = "USD", category = "Shoring" };

        var created = await client.PutAsJsonAsync($"/api/v1/products/{code}", body, TestContext.Current.CancellationToken);
        var updated = await client.PutAsJsonAsync($"/api/v1/products/{code}", body with { }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/products/{code}", created.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(1, await portal.WithDbAsync(db => db.Products.CountAsync(p => p.Code == code, TestContext.Current.CancellationToken)));
        var fetched = await client.GetFromJsonAsync<JsonElement>($"/api/v1/products/{code}", TestContext.Current.CancellationToken);
        Assert.Equal(89.5m, fetched.GetProperty("listPrice").GetDecimal());
    }

    [Fact]
    public async Task A_customer_price_in_another_currency_than_the_account_is_refused()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var code = IntegrationClient.Unique("P");
        await client.PutAsJsonAsync($"/api/v1/products/{code}", new { name = "Generator", unit = "day", listPrice = 165m, currency = "USD" }, TestContext.Current.CancellationToken);

        var euro = await client.PutAsJsonAsync($"/api/v1/accounts/ACC-20001/prices/{code}", new { unitPrice = 150m, currency = "EUR" }, TestContext.Current.CancellationToken);
        var dollars = await client.PutAsJsonAsync($"/api/v1/accounts/ACC-20001/prices/{code}", new { unitPrice = 150m, currency = "USD" }, TestContext.Current.CancellationToken);
        var unknownAccount = await client.PutAsJsonAsync($"/api/v1/accounts/NOPE/prices/{code}", new { unitPrice = 150m, currency = "USD" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, euro.StatusCode);
        Assert.Contains("currency", await IntegrationClient.ErrorFieldsAsync(euro));
        Assert.Equal(HttpStatusCode.Created, dollars.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownAccount.StatusCode);
    }

    [Fact]
    public async Task Product_with_missing_fields_names_each_of_them()
    {
        var client = await IntegrationClient.CreateAsync(portal);

        var response = await client.PutAsJsonAsync($"/api/v1/products/{IntegrationClient.Unique("P")}", new { listPrice = -1m, currency = "XYZ" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var fields = await IntegrationClient.ErrorFieldsAsync(response);
        Assert.Contains("name", fields);
        Assert.Contains("unit", fields);
        Assert.Contains("currency", fields);
    }
}
