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
    [InlineData("/admin/audit")]
    public async Task A_customer_meets_page_not_found_on_every_console_page(string url)
    {
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var response = await client.GetAsync(url, TestContext.Current.CancellationToken);

        // The console does not exist for a customer: no redirect to a page of its own, no hint.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/invoices")]
    public async Task Staff_on_a_customer_page_are_told_why_and_sent_to_the_console(string url)
    {
        var client = await portal.LoginAsync(DemoData.StaffEmail);

        var response = await client.GetAsync(url, TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("This page is for customers.", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Go to the overview", html, StringComparison.Ordinal);
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
