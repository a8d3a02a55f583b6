using System.Net;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// A deployment that requires secure cookies (the default): plain HTTP is sent to HTTPS (pages) or
/// refused with a problem (the API), never a 500 from antiforgery; HSTS carries the configured
/// max-age and includeSubDomains; every cookie set over HTTPS is Secure.
/// </summary>
public sealed class TransportSecurityTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = new();

    public async ValueTask InitializeAsync()
    {
        _portal.Settings["Security:SecureCookies"] = "true";
        _portal.Settings["Security:HstsMaxAgeDays"] = "400";
        _portal.Settings["Security:HstsIncludeSubDomains"] = "true";
        await _portal.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.ResetSqlitePoolsAsync();
        await _portal.DisposeAsync();
    }

    [Theory]
    [InlineData("GET", "/login?ReturnUrl=%2Finvoices")]
    [InlineData("POST", "/login")]
    [InlineData("GET", "/")]
    [InlineData("POST", "/logout")]
    [InlineData("GET", "/culture?c=es")]
    public async Task Plain_http_to_a_page_is_redirected_to_https_not_a_500(string method, string url)
    {
        var client = _portal.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("http://portal.example") });
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method == "POST")
        {
            request.Content = new FormUrlEncodedContent([new("Input.Login", DemoData.CustomerEmail), new("Input.Password", DemoData.Password)]);
        }

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("https://portal.example" + url, response.Headers.Location?.OriginalString);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Plain_http_to_the_api_is_a_problem_and_health_stays_reachable()
    {
        var client = _portal.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("http://portal.example") });

        var api = await client.GetAsync("/api/v1/accounts/ACC-10001/balance", TestContext.Current.CancellationToken);
        var health = await client.GetAsync("/healthz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Over_https_the_portal_sends_hsts_and_only_secure_cookies()
    {
        var client = _portal.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri("https://portal.example") });
        var cookies = new List<string>();

        var login = await client.GetAsync("/login", TestContext.Current.CancellationToken);
        cookies.AddRange(login.Headers.GetValues("Set-Cookie"));
        var culture = await client.GetAsync("/culture?c=es", TestContext.Current.CancellationToken);
        cookies.AddRange(culture.Headers.GetValues("Set-Cookie"));

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("max-age=34560000; includeSubDomains", string.Join(",", login.Headers.GetValues("Strict-Transport-Security")));
        Assert.Contains(cookies, c => c.StartsWith("__Host-portal-af=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal));
        Assert.All(cookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Signing_in_over_https_sets_only_secure_cookies()
    {
        var client = _portal.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://portal.example") });
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, "/login");

        var response = await client.PostAsync("/login", new FormUrlEncodedContent(
            [new("Input.Login", DemoData.CustomerEmail), new("Input.Password", DemoData.Password), new("__RequestVerificationToken", token)]),
            TestContext.Current.CancellationToken);
        var overview = await client.GetAsync("/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookies = response.Headers.GetValues("Set-Cookie").Concat(overview.Headers.TryGetValues("Set-Cookie", out var more) ? more : []).ToList();
        Assert.Contains(cookies, c => c.StartsWith("__Host-portal=", StringComparison.Ordinal));
        Assert.All(cookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
    }
}
