using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Integration;

/// <summary>
/// Integration API calls for tests: a client holding a freshly created API key, unique ids, JSON
/// helpers, and a snapshot of one account's rows to prove that a refused request wrote nothing.
/// </summary>
public static class ApiClient
{
    /// <summary>An HttpClient that sends <c>Authorization: Bearer KEY</c> with a key made by the CLI command.</summary>
    public static Task<HttpClient> CreateApiClientAsync(this PortalFactory portal, string keyName = "tests") =>
        IntegrationClient.CreateAsync(portal, keyName);

    /// <summary>An id no other test uses, e.g. <c>T-INV-3f9a1c2b4d5e</c>.</summary>
    public static string NewId(string kind) => IntegrationClient.Unique("T-" + kind);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body) =>
        client.PutAsJsonAsync(url, body, TestContext.Current.CancellationToken);

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;

    /// <summary>The JSON in a canonical text, numbers compared by value (<c>1.00</c> equals <c>1</c>).</summary>
    public static string Canonical(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject o => "{" + string.Join(",", o.Select(p => $"\"{p.Key}\":{Canonical(p.Value)}")) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<decimal>().ToString("G29", CultureInfo.InvariantCulture),
        _ => node.ToJsonString(),
    };

    /// <summary>Asserts an RFC 9457 problem with the status, and returns its body.</summary>
    public static async Task<JsonNode> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal((int)status, (int)problem["status"]!);
        Assert.False(string.IsNullOrEmpty((string?)problem["title"]));
        return problem;
    }

    /// <summary>Asserts a problem whose <c>errors</c> names the field, and returns the body.</summary>
    public static async Task<JsonNode> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var problem = await response.ProblemAsync(status);
        var errors = problem["errors"]?.AsObject();
        Assert.True(errors is not null && errors.ContainsKey(field), $"Expected an error for '{field}' in {problem.ToJsonString()}");
        return problem;
    }

    /// <summary>A new USD account (or another currency) with a unique external id; returns the id.</summary>
    public static async Task<string> NewAccountAsync(this HttpClient client, string currency = "USD", string? parent = null)
    {
        var id = NewId("ACC");
        var response = await client.PutJsonAsync($"/api/v1/accounts/{id}", new
        {
            number = id,
            name = "Test account " + id,
            currency,
            parent,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return id;
    }

    /// <summary>A new invoice of one line (quantity 1 at the amount, no tax) on the account; returns its id.</summary>
    public static async Task<string> NewInvoiceAsync(this HttpClient client, string account, decimal amount, string currency = "USD")
    {
        var id = NewId("INV");
        var response = await client.PutJsonAsync($"/api/v1/invoices/{id}", Invoice(account, id, amount, currency));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return id;
    }

    public static object Invoice(string account, string number, decimal amount, string currency = "USD") => new
    {
        account,
        number,
        issueDate = "2026-10-01",
        dueDate = "2026-10-31",
        currency,
        lines = new[] { new { description = "Service", quantity = 1m, unitPrice = amount } },
    };

    /// <summary>Everything stored for one account: equal snapshots before and after mean nothing was written.</summary>
    public static Task<string> SnapshotAsync(this PortalFactory portal, string accountExternalId) => portal.WithDbAsync(async db =>
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await db.Accounts.AsNoTracking().Where(a => a.ExternalId == accountExternalId).Select(a => new { a.Id, a.Number, a.Name, a.Currency, a.UpdatedAt, a.ParentAccountId }).SingleAsync(ct);
        var invoices = await db.Invoices.AsNoTracking().Where(i => i.AccountId == account.Id).OrderBy(i => i.Id)
            .Select(i => new { i.ExternalId, i.Number, i.Total, i.OpenAmount, i.IsVoid, i.Version, Lines = db.InvoiceLines.Count(l => l.InvoiceId == i.Id), Attachments = db.InvoiceAttachments.Count(a => a.InvoiceId == i.Id) })
            .ToListAsync(ct);
        var credits = await db.CreditMemos.AsNoTracking().Where(c => c.AccountId == account.Id).OrderBy(c => c.Id)
            .Select(c => new { c.ExternalId, c.Amount, c.RemainingAmount, c.IsVoid, c.Version, Applications = db.CreditApplications.Count(a => a.CreditMemoId == c.Id) })
            .ToListAsync(ct);
        var payments = await db.Payments.AsNoTracking().Where(p => p.AccountId == account.Id).OrderBy(p => p.Id)
            .Select(p => new { p.ExternalId, p.Amount, p.UnappliedAmount, p.Status, Allocations = p.Allocations.Count })
            .ToListAsync(ct);
        var contacts = await db.Contacts.AsNoTracking().Where(c => c.AccountId == account.Id).OrderBy(c => c.Id)
            .Select(c => new { c.ExternalId, c.Name, c.IsActive, c.UpdatedAt })
            .ToListAsync(ct);
        return System.Text.Json.JsonSerializer.Serialize(new { account, invoices, credits, payments, contacts });
    });
}
