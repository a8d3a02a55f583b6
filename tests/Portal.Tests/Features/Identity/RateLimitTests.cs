using System.Net;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Identity;

/// <summary>On a portal of its own with the limits on (the shared one runs with them off).</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = new();

    public async ValueTask InitializeAsync()
    {
        _portal.Settings["RateLimits:Enabled"] = "true";
        _portal.Settings["RateLimits:PermitLimit"] = "3";
        _portal.Settings["RateLimits:WindowSeconds"] = "60";
        await _portal.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.ResetSqlitePoolsAsync();
        await _portal.DisposeAsync();
    }

    [Fact]
    public async Task Too_many_login_posts_get_429_with_retry_after_and_a_readable_page()
    {
        var client = _portal.CreateBrowserClient();
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, "/login");
        Task<HttpResponseMessage> PostAsync(string login) => client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Login"] = login,
            ["Input.Password"] = "wrong-password-here",
            ["__RequestVerificationToken"] = token,
        }), TestContext.Current.CancellationToken);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync($"nobody{i}@test.example")).StatusCode);
        }

        var limited = await PostAsync("nobody-else@test.example");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After in seconds");
        Assert.Contains("Too many attempts", await limited.HtmlAsync(), StringComparison.Ordinal);
        // Other pages, and GETs, are not throttled.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/login", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Forgot_password_posts_are_limited_too()
    {
        var client = _portal.CreateBrowserClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await PortalFactory.PostFormAsync(client, "/forgot-password", new Dictionary<string, string> { ["Email"] = DemoData.OtherCustomerEmail })).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }
}
