using System.Net;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Admin;

public sealed class IndexTests(PortalFactory portal)
{
    [Theory]
    [InlineData("/admin")]
    [InlineData("/admin/accounts")]
    [InlineData("/admin/accounts/10001")]
    [InlineData("/admin/settings")]
    public async Task A_customer_is_refused_every_console_page(string url)
    {
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var response = await client.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{url}: {(int)response.StatusCode}");
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            Assert.False(response.Headers.Location!.OriginalString.StartsWith("/admin", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_the_login_page()
    {
        var client = portal.CreateBrowserClient();

        var response = await client.GetAsync("/admin", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_see_the_dashboard_counts()
    {
        var client = await portal.LoginAsync(DemoData.StaffEmail);

        var response = await client.GetAsync("/admin", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("data-figure=\"accounts\"", html, StringComparison.Ordinal);
        Assert.Contains("data-figure=\"pending-emails\"", html, StringComparison.Ordinal);
    }
}
