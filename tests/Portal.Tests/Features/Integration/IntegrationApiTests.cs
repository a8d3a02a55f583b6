using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Data;
using Portal.Infrastructure.Api;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Integration;

/// <summary>What every integration endpoint shares: how bad requests are answered, and the OpenAPI document.</summary>
public sealed class IntegrationApiTests(PortalFactory portal)
{
    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Malformed_json_is_a_400_problem_and_writes_nothing()
    {
        var client = await portal.CreateApiClientAsync();
        var id = ApiClient.NewId("ACC");

        var response = await client.PutAsync($"/api/v1/accounts/{id}", Json("{ \"number\": \"1\", \"name\": "), TestContext.Current.CancellationToken);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]);
        Assert.False(await portal.WithDbAsync(db => db.Accounts.AnyAsync(a => a.ExternalId == id, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Malformed_json_to_an_endpoint_that_binds_its_body_is_also_a_400_problem()
    {
        var client = await portal.CreateApiClientAsync();

        // The catalogue binds its body with the framework's binder, which answers a bare 400 by itself.
        var response = await client.PutAsync($"/api/v1/products/{ApiClient.NewId("P")}", Json("{ \"name\": "), TestContext.Current.CancellationToken);

        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_a_400_naming_its_path()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var id = ApiClient.NewId("INV");

        var response = await client.PutAsync(
            $"/api/v1/invoices/{id}",
            Json($$"""{"account":"{{account}}","number":"{{id}}","issueDate":"2026-10-01","dueDate":"2026-10-31","currency":"USD","lines":[{"description":"x","quantity":"lots","unitPrice":1}]}"""),
            TestContext.Current.CancellationToken);

        await response.ProblemAsync(HttpStatusCode.BadRequest, "lines[0].quantity");
    }

    [Fact]
    public async Task A_date_that_is_not_a_date_is_a_400_naming_the_field()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var id = ApiClient.NewId("INV");

        var response = await client.PutAsync(
            $"/api/v1/invoices/{id}",
            Json($$"""{"account":"{{account}}","number":"{{id}}","issueDate":"2026-02-30","dueDate":"2026-10-31","currency":"USD","lines":[]}"""),
            TestContext.Current.CancellationToken);

        await response.ProblemAsync(HttpStatusCode.BadRequest, "issueDate");
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        var client = await portal.CreateApiClientAsync();

        var response = await client.PutAsync($"/api/v1/accounts/{ApiClient.NewId("ACC")}", new StringContent("number=1", Encoding.UTF8, "application/x-www-form-urlencoded"), TestContext.Current.CancellationToken);

        await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task An_unknown_api_route_is_a_404_problem_and_a_missing_key_a_401_problem()
    {
        var client = await portal.CreateApiClientAsync();

        var unknown = await client.GetAsync("/api/v1/no-such-thing", TestContext.Current.CancellationToken);
        var anonymous = await portal.CreateClient().PutAsync($"/api/v1/accounts/{ApiClient.NewId("ACC")}", Json("{}"), TestContext.Current.CancellationToken);

        await unknown.ProblemAsync(HttpStatusCode.NotFound);
        await anonymous.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("/api/v1/accounts/{externalId}", "put", "AccountRequest")]
    [InlineData("/api/v1/accounts/{externalId}", "get", null)]
    [InlineData("/api/v1/accounts/{externalId}/contacts/{contactId}", "put", "ContactRequest")]
    [InlineData("/api/v1/accounts/{externalId}/contacts/{contactId}", "get", null)]
    [InlineData("/api/v1/accounts/{externalId}/contacts/{contactId}", "delete", null)]
    [InlineData("/api/v1/invoices/{externalId}", "put", "InvoiceRequest")]
    [InlineData("/api/v1/invoices/{externalId}", "get", null)]
    [InlineData("/api/v1/credits/{externalId}", "put", "CreditRequest")]
    [InlineData("/api/v1/credits/{externalId}", "get", null)]
    [InlineData("/api/v1/payments/{externalId}", "put", "PaymentRequest")]
    [InlineData("/api/v1/payments/{externalId}", "get", null)]
    public async Task The_openapi_document_describes_every_endpoint_with_its_request_schema(string path, string method, string? requestSchema)
    {
        var document = JsonNode.Parse(await portal.CreateClient().GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!;

        var operation = document["paths"]?[path]?[method];

        Assert.NotNull(operation);
        Assert.False(string.IsNullOrEmpty((string?)operation["operationId"]));
        Assert.False(string.IsNullOrEmpty((string?)operation["summary"]));
        var responses = operation["responses"]!.AsObject();
        Assert.True(responses.ContainsKey("401"));
        Assert.True(responses.ContainsKey(method == "put" ? "400" : "404"), $"{method} {path}: {responses.ToJsonString()}");
        if (requestSchema is not null)
        {
            var reference = (string?)operation["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"];
            Assert.Equal($"#/components/schemas/{requestSchema}", reference);
            Assert.NotNull(document["components"]?["schemas"]?[requestSchema]?["properties"]);
            Assert.True(responses.ContainsKey("409"));
            Assert.Equal("application/problem+json", responses["400"]!["content"]!.AsObject().Single().Key);
        }
    }

    [Fact]
    public async Task Enums_are_described_and_sent_as_camel_case_names()
    {
        var document = JsonNode.Parse(await portal.CreateClient().GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!;

        var text = document.ToJsonString();

        Assert.Contains("\"bankAccount\"", text, StringComparison.Ordinal);
        Assert.Contains("\"refunded\"", text, StringComparison.Ordinal);
        Assert.Contains("\"cash\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_that_lost_a_race_for_an_invoice_is_a_409_to_retry_and_writes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var invoice = await client.NewInvoiceAsync(account, 100m);
        await using var first = portal.Services.CreateAsyncScope();
        await using var second = portal.Services.CreateAsyncScope();
        var firstDb = first.ServiceProvider.GetRequiredService<PortalDb>();
        var secondDb = second.ServiceProvider.GetRequiredService<PortalDb>();
        var winner = await firstDb.Invoices.SingleAsync(i => i.ExternalId == invoice, ct);
        var loser = await secondDb.Invoices.SingleAsync(i => i.ExternalId == invoice, ct);

        winner.Memo = "first";
        winner.Version++;
        await firstDb.SaveChangesAsync(ct);
        loser.Memo = "second";
        loser.Version++;
        var result = await ApiWrites.SaveAsync<object>(secondDb, NullLogger.Instance, ct);

        Assert.NotNull(result);
        Assert.Equal(StatusCodes.Status409Conflict, ((IStatusCodeHttpResult)result.ToHttp("").Result).StatusCode);
        Assert.Equal("first", await portal.WithDbAsync(db => db.Invoices.Where(i => i.ExternalId == invoice).Select(i => i.Memo).SingleAsync(ct)));
    }
}
