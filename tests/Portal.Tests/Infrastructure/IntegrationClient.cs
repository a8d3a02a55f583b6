using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Features.Integration;

namespace Portal.Tests.Infrastructure;

/// <summary>An HttpClient for the integration API with a fresh API key, and helpers to read its answers.</summary>
public static class IntegrationClient
{
    public static async Task<HttpClient> CreateAsync(PortalFactory portal, string name = "tests")
    {
        var stdout = new StringWriter();
        var exit = await ApiKeyCommands.RunAsync(portal.Services, ["api-key", "create", name], stdout, new StringWriter());
        if (exit != 0)
        {
            throw new InvalidOperationException("Could not create an API key.");
        }

        var client = portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", stdout.ToString().Trim());
        return client;
    }

    /// <summary>The field names of a ValidationProblem's <c>errors</c> map.</summary>
    public static async Task<IReadOnlyList<string>> ErrorFieldsAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(p => p.Name).ToList() : [];
    }

    /// <summary>A unique suffix, so that tests sharing the portal never collide on external ids.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
