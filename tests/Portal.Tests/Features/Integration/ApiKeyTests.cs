using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Integration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Integration;

public sealed class ApiKeyTests(PortalFactory portal)
{
    private async Task<string> CreateKeyAsync(string name)
    {
        var stdout = new StringWriter();
        var exit = await ApiKeyCommands.RunAsync(portal.Services, ["api-key", "create", name], stdout, new StringWriter());
        Assert.Equal(0, exit);
        return stdout.ToString().Trim();
    }

    [Fact]
    public async Task Create_prints_only_the_key_and_the_key_opens_the_api()
    {
        var key = await CreateKeyAsync("billing-test");

        Assert.Matches("^pk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$", key);
        var client = portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var balance = await client.GetFromJsonAsync<BalanceEndpoint.BalanceResponse>("/api/v1/accounts/ACC-10001/balance", TestContext.Current.CancellationToken);
        Assert.Equal("USD", balance!.Currency);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer pk_00000000_notakeyatallnotakeyatallnotakeyatallnotake")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer ' OR 1=1 --")]
    public async Task Anything_but_a_valid_key_gets_a_401_problem_that_says_nothing_about_the_key(string? authorization)
    {
        var client = portal.CreateClient();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await client.GetAsync("/api/v1/accounts/ACC-10001/balance", TestContext.Current.CancellationToken);

        // One body for every refusal: no hint of whether the key exists, was revoked or was malformed.
        var problem = await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Send a valid API key as 'Authorization: Bearer <key>'.", (string?)problem["detail"]);
    }

    [Fact]
    public async Task A_revoked_key_is_refused()
    {
        var key = await CreateKeyAsync("to-revoke");
        var exit = await ApiKeyCommands.RunAsync(portal.Services, ["api-key", "revoke", ApiKey.PrefixOf(key)!], new StringWriter(), new StringWriter());
        Assert.Equal(0, exit);

        var client = portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await client.GetAsync("/api/v1/accounts/ACC-10001/balance", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Keys_are_stored_hashed()
    {
        var key = await CreateKeyAsync("hashed");

        await using var scope = portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Portal.Data.PortalDb>();
        var stored = db.ApiKeys.Single(k => k.Prefix == ApiKey.PrefixOf(key));
        Assert.DoesNotContain(key, System.Text.Encoding.UTF8.GetString(stored.SecretHash), StringComparison.Ordinal);
        Assert.Equal(32, stored.SecretHash.Length);
    }

    [Fact]
    public async Task Unknown_account_balance_is_404_problem_details()
    {
        var key = await CreateKeyAsync("problem");
        var client = portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var response = await client.GetAsync("/api/v1/accounts/NOPE/balance", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task OpenApi_document_describes_the_integration_api()
    {
        var json = await portal.CreateClient().GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        Assert.Contains("/api/v1/accounts/{externalId}/balance", json, StringComparison.Ordinal);
    }
}
