using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Integration;
using Portal.Infrastructure;

namespace Portal.Tests.Infrastructure.Health;

/// <summary>
/// The database goes away under a running instance (PostgreSQL restarted): a person gets a 503 page that says
/// so, an API caller a 503 problem, never a stack trace; when the database is back the same instance serves
/// again by itself. The outage is a connection that cannot be opened, as Npgsql reports a refused one.
/// </summary>
public sealed class DatabaseOutageTests(PortalFactory portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pages_and_the_api_answer_503_while_the_database_is_down_and_recover_by_themselves()
    {
        var outage = new Outage();
        await using var host = portal.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.ConfigureDbContext<PortalDb>(o => o.AddInterceptors(outage))));
        var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var login = await PortalFactory.PostFormAsync(browser, "/login", new Dictionary<string, string>
        {
            ["Input.Login"] = DemoData.CustomerEmail,
            ["Input.Password"] = DemoData.Password,
        });
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var key = new StringWriter();
        Assert.Equal(0, await ApiKeyCommands.RunAsync(portal.Services, ["api-key", "create", "outage"], key, new StringWriter()));
        var api = host.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.ToString().Trim());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/", UriKind.Relative), Ct)).StatusCode);

        outage.Down = true;
        using var page = await browser.GetAsync(new Uri("/invoices", UriKind.Relative), Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Contains("Briefly unavailable", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Portal.", html, StringComparison.Ordinal);
        Assert.Equal("30", page.Headers.RetryAfter?.ToString());

        using var call = await api.GetAsync(new Uri("/api/v1/accounts/ACC-10001/balance", UriKind.Relative), Ct);
        var problem = await call.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, call.StatusCode);
        Assert.Equal("application/problem+json", call.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Exception", problem, StringComparison.Ordinal);

        // Not ready while down (the proxy stops sending here), alive all along (nothing restarts it), even once the
        // cached operator settings are stale (every request's language reads them; a slow CI run got there).
        host.Services.GetRequiredService<OperatorSettingsCache>().Invalidate();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.CreateClient().GetAsync(new Uri("/healthz/ready", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.CreateClient().GetAsync(new Uri("/healthz/live", UriKind.Relative), Ct)).StatusCode);

        outage.Down = false;
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/invoices", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(new Uri("/api/v1/accounts/ACC-10001/balance", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.CreateClient().GetAsync(new Uri("/healthz/ready", UriKind.Relative), Ct)).StatusCode);
    }

    /// <summary>While <see cref="Down"/>, every connection open and every command fails as a refused connection does.</summary>
    private sealed class Outage : IDbConnectionInterceptor, IDbCommandInterceptor
    {
        public volatile bool Down;

        private Exception Refused() => new Npgsql.NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException(111));

        public InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
            Down ? throw Refused() : result;

        public ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            Down ? throw Refused() : ValueTask.FromResult(result);

        public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
            Down ? throw Refused() : result;

        public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            Down ? throw Refused() : ValueTask.FromResult(result);

        public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
            Down ? throw Refused() : ValueTask.FromResult(result);

        public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
            Down ? throw Refused() : ValueTask.FromResult(result);
    }
}
