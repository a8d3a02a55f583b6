using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Orders;
using Portal.Features.Quotes;
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

    [Fact]
    public async Task A_portal_quote_request_is_answered_by_its_portal_number_once_and_only_on_its_account()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var portalNumber = IntegrationClient.Unique("RFQ");
        await portal.WithDbAsync(async db =>
        {
            var account = await db.Accounts.SingleAsync(a => a.ExternalId == "ACC-10001", TestContext.Current.CancellationToken);
            db.Quotes.Add(new Quote { AccountId = account.Id, Number = portalNumber, Currency = "USD", Source = DocumentSource.Portal, Status = QuoteStatus.Requested, RequestedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        object Body(string account) => new { account, number = portalNumber, portalNumber, currency = "USD", issuedOn = "2026-11-01", validUntil = "2026-11-30", lines = new[] { new { description = "Site survey", quantity = 1, unitPrice = 400 } } };
        var erpId = IntegrationClient.Unique("QX");

        var otherAccount = await client.PutAsJsonAsync($"/api/v1/quotes/{IntegrationClient.Unique("QX")}", Body("ACC-20001"), TestContext.Current.CancellationToken);
        var answer = await client.PutAsJsonAsync($"/api/v1/quotes/{erpId}", Body("ACC-10001"), TestContext.Current.CancellationToken);
        var again = await client.PutAsJsonAsync($"/api/v1/quotes/{IntegrationClient.Unique("QX")}", Body("ACC-10001"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, otherAccount.StatusCode);
        Assert.Contains("portalNumber", await IntegrationClient.ErrorFieldsAsync(otherAccount));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var quote = await portal.WithDbAsync(db => db.Quotes.AsNoTracking().SingleAsync(q => q.Number == portalNumber, TestContext.Current.CancellationToken));
        Assert.Equal(erpId, quote.ExternalId);
    }
}
