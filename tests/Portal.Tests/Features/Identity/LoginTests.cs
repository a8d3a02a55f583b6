using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Identity;

public sealed class LoginTests(PortalFactory portal)
{
    [Fact]
    public async Task Demo_customer_logs_in_and_sees_the_overview()
    {
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var html = await client.GetStringAsync("/", TestContext.Current.CancellationToken);

        Assert.Contains("Bayside Construction LLC", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_password_gets_one_clear_message_and_no_session()
    {
        // A user of its own: failed attempts on the shared demo user would race other tests' sign-ins.
        var email = $"wrong-password-{Guid.NewGuid():N}@example.com";
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            Assert.True((await users.CreateAsync(new PortalUser { UserName = email, Email = email }, DemoData.Password)).Succeeded);
        }

        var client = portal.CreateBrowserClient();

        var response = await PortalFactory.PostFormAsync(client, "/login", new Dictionary<string, string>
        {
            ["Input.Login"] = email,
            ["Input.Password"] = "not-the-password",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("do not match our records", html, StringComparison.Ordinal);
        var overview = await client.GetAsync("/", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, overview.StatusCode);
        Assert.StartsWith("/login", overview.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_email_gets_the_same_message_as_a_wrong_password()
    {
        var client = portal.CreateBrowserClient();

        var response = await PortalFactory.PostFormAsync(client, "/login", new Dictionary<string, string>
        {
            ["Input.Login"] = "nobody-here@example.com",
            ["Input.Password"] = "whatever-it-is",
        });

        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("do not match our records", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_answers_200_when_the_database_is_reachable()
    {
        var response = await portal.CreateClient().GetAsync("/healthz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
