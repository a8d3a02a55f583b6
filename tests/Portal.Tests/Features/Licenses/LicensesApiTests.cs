using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Licenses;

public sealed class LicensesApiTests(PortalFactory portal)
{
    [Fact]
    public async Task License_round_trips_and_bad_values_are_named()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var id = IntegrationClient.Unique("L");

        var created = await client.PutAsJsonAsync($"/api/v1/licenses/{id}", new { account = "ACC-20001", productCode = "TKO", productName = "On-Screen Takeoff", licenseCode = "TKO-7781-AB12", seats = 5, version = "4.2", issuedOn = "2025-01-15", expiresOn = "2027-01-15", maintenance = "active", maintenanceEndsOn = "2027-01-15" }, TestContext.Current.CancellationToken);
        var bad = await client.PutAsJsonAsync($"/api/v1/licenses/{IntegrationClient.Unique("L")}", new { account = "ACC-20001", productCode = "TKO", productName = "On-Screen Takeoff", licenseCode = "X", seats = -1, issuedOn = "2025-01-15", maintenance = "forever" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var fetched = await client.GetFromJsonAsync<JsonElement>($"/api/v1/licenses/{id}", TestContext.Current.CancellationToken);
        Assert.Equal(5, fetched.GetProperty("seats").GetInt32());
        Assert.Equal("ACC-20001", fetched.GetProperty("account").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var fields = await IntegrationClient.ErrorFieldsAsync(bad);
        Assert.Contains("seats", fields);
        Assert.Contains("maintenance", fields);
    }
}
