using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Integration;
using Portal.Features.Webhooks;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Webhooks;

public sealed class WebhooksApiTests(PortalFactory portal)
{
    private const string Secret = "whsec-0123456789abcdef0123456789abcdef";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpClient> ApiAsync()
    {
        var stdout = new StringWriter();
        await ApiKeyCommands.RunAsync(portal.Services, ["api-key", "create", "webhooks-api"], stdout, new StringWriter());
        var client = portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", stdout.ToString().Trim());
        return client;
    }

    private static string NewName() => "hook-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Put_creates_then_updates_and_sending_it_again_changes_nothing()
    {
        var api = await ApiAsync();
        var name = NewName();
        var body = new { url = "https://billing.example.com/portal-events", eventTypes = new[] { "payment.*", "order.placed" }, secret = Secret };

        var created = await api.PutAsJsonAsync($"/api/v1/webhooks/{name}", body, Ct);
        var again = await api.PutAsJsonAsync($"/api/v1/webhooks/{name}", body, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/webhooks/{name}", created.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(await created.Content.ReadAsStringAsync(Ct), await again.Content.ReadAsStringAsync(Ct));
        var second = await again.Content.ReadFromJsonAsync<WebhooksApi.WebhookResponse>(Ct);
        Assert.Equal(["payment.*", "order.placed"], second!.EventTypes);
        Assert.True(second.Active);

        var updated = await api.PutAsJsonAsync($"/api/v1/webhooks/{name}", new { url = "https://billing.example.com/v2", eventTypes = new[] { "*" }, active = false }, Ct);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var fetched = await api.GetFromJsonAsync<WebhooksApi.WebhookResponse>($"/api/v1/webhooks/{name}", Ct);
        Assert.Equal("https://billing.example.com/v2", fetched!.Url);
        Assert.Equal(["*"], fetched.EventTypes);
        Assert.False(fetched.Active);
        var list = await api.GetFromJsonAsync<List<WebhooksApi.WebhookResponse>>("/api/v1/webhooks", Ct);
        Assert.Contains(list!, w => w.Name == name);
    }

    [Fact]
    public async Task The_secret_is_stored_encrypted_and_never_returned()
    {
        var api = await ApiAsync();
        var name = NewName();

        var response = await api.PutAsJsonAsync($"/api/v1/webhooks/{name}", new { url = "https://billing.example.com/h", eventTypes = new[] { "*" }, secret = Secret }, Ct);

        Assert.DoesNotContain(Secret, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.DoesNotContain("secret", await api.GetStringAsync($"/api/v1/webhooks/{name}", Ct), StringComparison.OrdinalIgnoreCase);
        var stored = await portal.WithDbAsync(db => db.WebhookSubscriptions.SingleAsync(s => s.Name == name));
        Assert.DoesNotContain(Secret, stored.ProtectedSecret, StringComparison.Ordinal);
        Assert.Equal(Secret, portal.Services.GetRequiredService<WebhookSecrets>().Unprotect(stored.ProtectedSecret));
    }

    [Theory]
    [InlineData("http://billing.example.com/hook", "[\"*\"]", Secret, "url")]
    [InlineData("ftp://127.0.0.1/hook", "[\"*\"]", Secret, "url")]
    [InlineData("https://user:pw@billing.example.com/hook", "[\"*\"]", Secret, "url")]
    [InlineData("not a url", "[\"*\"]", Secret, "url")]
    [InlineData("https://billing.example.com/hook", "[]", Secret, "eventTypes")]
    [InlineData("https://billing.example.com/hook", "[\"Payment Succeeded\"]", Secret, "eventTypes[0]")]
    [InlineData("https://billing.example.com/hook", "[\"*\"]", "too-short", "secret")]
    [InlineData("https://billing.example.com/hook", "[\"*\"]", null, "secret")]
    public async Task Bad_input_is_a_400_naming_the_field_and_writes_nothing(string url, string eventTypesJson, string? secret, string field)
    {
        var api = await ApiAsync();
        var name = NewName();
        var eventTypes = JsonSerializer.Deserialize<string[]>(eventTypesJson);

        var response = await api.PutAsJsonAsync($"/api/v1/webhooks/{name}", new { url, eventTypes, secret }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
        Assert.False(await portal.WithDbAsync(db => db.WebhookSubscriptions.AnyAsync(s => s.Name == name)));
    }

    [Fact]
    public async Task Plain_http_to_a_loopback_address_is_accepted_in_tests()
    {
        var api = await ApiAsync();

        var response = await api.PutAsJsonAsync($"/api/v1/webhooks/{NewName()}", new { url = "http://127.0.0.1:9/hook", eventTypes = new[] { "*" }, secret = Secret }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Null(WebhooksApi.UrlError("http://localhost:8080/x", allowHttpLoopback: true));
        Assert.NotNull(WebhooksApi.UrlError("http://localhost:8080/x", allowHttpLoopback: false));
        Assert.NotNull(WebhooksApi.UrlError("http://10.0.0.1/x", allowHttpLoopback: true));
    }

    [Fact]
    public async Task Delete_removes_the_subscription_and_an_unknown_one_is_a_404_problem()
    {
        var api = await ApiAsync();
        var name = NewName();
        await api.PutAsJsonAsync($"/api/v1/webhooks/{name}", new { url = "https://billing.example.com/h", eventTypes = new[] { "*" }, secret = Secret }, Ct);

        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/webhooks/{name}", Ct)).StatusCode);

        foreach (var response in new[]
        {
            await api.GetAsync($"/api/v1/webhooks/{name}", Ct),
            await api.DeleteAsync($"/api/v1/webhooks/{name}", Ct),
            await api.GetAsync($"/api/v1/webhooks/{name}/deliveries", Ct),
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Without_an_api_key_the_webhook_and_event_endpoints_are_a_401_problem()
    {
        var client = portal.CreateClient();

        foreach (var url in new[] { "/api/v1/webhooks", "/api/v1/webhooks/x/deliveries", "/api/v1/events" })
        {
            var response = await client.GetAsync(url, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task The_openapi_document_describes_webhooks_and_events()
    {
        var json = await portal.CreateClient().GetStringAsync("/openapi/v1.json", Ct);

        Assert.Contains("/api/v1/webhooks/{name}", json, StringComparison.Ordinal);
        Assert.Contains("/api/v1/webhooks/{name}/deliveries", json, StringComparison.Ordinal);
        Assert.Contains("/api/v1/events", json, StringComparison.Ordinal);
    }
}
