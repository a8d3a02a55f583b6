using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Contracts;

public sealed class ContractsApiTests(PortalFactory portal)
{
    private static object Contract(string number, decimal returned = 0m) => new
    {
        account = "ACC-10001",
        number,
        status = "open",
        startDate = "2026-10-01",
        jobSite = "Harbor Tunnel, Gate 4",
        items = new object[]
        {
            new { productCode = "EXC-20T", description = "20-ton excavator", assetNumber = "EX-2231", quantityOut = 1, quantityReturned = 0, dateOut = "2026-10-01", rate = 2450, ratePeriod = "week" },
            new { productCode = "LIFT-45", description = "45 ft boom lift", quantityOut = 3, quantityReturned = returned, dateOut = "2026-10-02", rate = 1180, ratePeriod = "week" },
        },
    };

    [Fact]
    public async Task Contract_items_are_replaced_as_sent_and_report_what_is_still_on_rent()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var id = IntegrationClient.Unique("K");

        var created = await client.PutAsJsonAsync($"/api/v1/contracts/{id}", Contract(id), TestContext.Current.CancellationToken);
        var updated = await client.PutAsJsonAsync($"/api/v1/contracts/{id}", Contract(id, returned: 2m), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var body = await updated.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(1m, body.GetProperty("items")[1].GetProperty("quantityOnRent").GetDecimal());
        Assert.Equal(2, await portal.WithDbAsync(db => db.ContractItems.CountAsync(i => db.Contracts.Any(c => c.Id == i.ContractId && c.ExternalId == id), TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task More_returned_than_went_out_is_refused_and_nothing_is_written()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var id = IntegrationClient.Unique("K");

        var response = await client.PutAsJsonAsync($"/api/v1/contracts/{id}", Contract(id, returned: 5m), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("items[1].quantityReturned", await IntegrationClient.ErrorFieldsAsync(response));
        Assert.False(await portal.WithDbAsync(db => db.Contracts.AnyAsync(c => c.ExternalId == id, TestContext.Current.CancellationToken)));
    }
}
