using System.Net;
using System.Net.Http.Json;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Quotes;

public sealed class QuotesApiTests(PortalFactory portal)
{
    [Fact]
    public async Task A_quote_number_used_by_another_quote_is_a_conflict()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var number = IntegrationClient.Unique("Q");
        var body = new { account = "ACC-10001", number, currency = "USD", issuedOn = "2026-11-01", validUntil = "2026-11-30", lines = new[] { new { description = "Site survey", quantity = 1, unitPrice = 400 } } };

        var first = await client.PutAsJsonAsync($"/api/v1/quotes/{IntegrationClient.Unique("QX")}", body, TestContext.Current.CancellationToken);
        var second = await client.PutAsJsonAsync($"/api/v1/quotes/{IntegrationClient.Unique("QX")}", body, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Valid_until_before_issued_on_is_refused()
    {
        var client = await IntegrationClient.CreateAsync(portal);

        var response = await client.PutAsJsonAsync($"/api/v1/quotes/{IntegrationClient.Unique("QX")}", new { account = "ACC-10001", number = IntegrationClient.Unique("Q"), currency = "USD", issuedOn = "2026-11-10", validUntil = "2026-11-01" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("validUntil", await IntegrationClient.ErrorFieldsAsync(response));
    }
}
