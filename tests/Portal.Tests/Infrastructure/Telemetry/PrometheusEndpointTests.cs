using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Infrastructure.Email;

namespace Portal.Tests.Infrastructure.Telemetry;

public sealed class PrometheusEndpointTests : IDisposable
{
    private readonly string _pickup = Directory.CreateTempSubdirectory("portal-metrics-mail-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Turned_on_the_scrape_endpoint_shows_requests_database_and_the_portals_own_instruments()
    {
        await using var portal = WorkerPortal.Start(new Dictionary<string, string?>
        {
            ["Telemetry:Prometheus:Enabled"] = "true",
            ["Email:PickupDirectory"] = _pickup,
        });
        var client = portal.Host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz", Ct)).StatusCode);
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<EmailOutbox>().Enqueue("pat@customer.example", "Metrics", "Counted.", null, "test");
            await scope.ServiceProvider.GetRequiredService<PortalDb>().SaveChangesAsync(Ct);
        }

        Assert.Equal(1, await portal.Get<EmailSender>().RunOnceAsync(Ct));

        var response = await client.GetAsync("/metrics", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE portal_emails_sent_total counter", text, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^portal_emails_sent_total\{[^}]*\} [1-9]", text);
        Assert.Contains("portal_worker_backlog", text, StringComparison.Ordinal);
        // The age of the oldest due row, per worker: the e-mail sender looked when its one message had waited
        // a moment (a few milliseconds to a second on a loaded machine).
        var lag = System.Text.RegularExpressions.Regex.Match(text, @"(?m)^portal_worker_lag_seconds\{[^}]*worker=""EmailSender""[^}]*\} (\S+)$");
        Assert.True(lag.Success, text);
        Assert.InRange(double.Parse(lag.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 0, 60);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
        Assert.Contains("microsoft_entityframeworkcore", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Off_by_default_there_is_no_scrape_endpoint()
    {
        await using var portal = WorkerPortal.Start();

        var response = await portal.Host.CreateClient().GetAsync("/metrics", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public void Dispose() => Directory.Delete(_pickup, recursive: true);
}
