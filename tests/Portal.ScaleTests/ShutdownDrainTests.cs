using System.Diagnostics;
using System.Net;
using Npgsql;
using Portal.Data;
using Portal.ScaleTests.Infrastructure;

namespace Portal.ScaleTests;

/// <summary>
/// Graceful shutdown drains requests: a request an instance is in the middle of when it gets SIGTERM (as
/// systemd stops a unit for an upgrade) is answered in full, and only then does the process exit, cleanly.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ShutdownDrainTests(ScaleCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_request_in_flight_at_sigterm_is_answered_in_full_before_the_instance_exits()
    {
        await cluster.RestoreAsync(Ct);
        using var browser = new Browser(cluster, "127.0.0.90");
        var (login, _, _) = await browser.LogInAsync(DemoData.CustomerEmail, DemoData.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var victim = cluster.Portals[1];

        // The request is held inside the page, deterministically: the test takes the invoice table's lock, so the
        // invoice list waits on its first query until the test lets go.
        await using var blocker = new NpgsqlConnection(cluster.ConnectionString);
        await blocker.OpenAsync(Ct);
        await using var transaction = await blocker.BeginTransactionAsync(Ct);
        await using (var take = new NpgsqlCommand("LOCK TABLE \"Invoices\" IN ACCESS EXCLUSIVE MODE", blocker, transaction))
        {
            await take.ExecuteNonQueryAsync(Ct);
        }

        // Straight to the one instance, from nginx's address with its forwarded scheme, as the proxy would send it
        // (the session is in the database, so its cookie is good on any instance).
        using var direct = ScaleCluster.Direct(victim, Nginx.ProxyAddress);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/invoices");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("Cookie", browser.Cookies.GetCookieHeader(cluster.PublicUrl));
        var inFlight = direct.SendAsync(request, Ct);
        await WaitUntilWaitingOnTheLockAsync(blocker);

        var clock = Stopwatch.StartNew();
        var exit = victim.TerminateAsync(Ct);
        // Draining: the process is still there and the request still open while the page is held.
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.False(exit.IsCompleted, $"{victim.Name} exited with a request in flight:\n{victim.Tail()}");
        Assert.False(inFlight.IsCompleted, "the held request was answered (or cut off) before the page was let go");

        await transaction.RollbackAsync(Ct);
        using var response = await inFlight;
        var html = await response.Content.ReadAsStringAsync(Ct);
        var exitCode = await exit;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"SIGTERM to {victim.Name} with /invoices held: answered {(int)response.StatusCode} ({html.Length} characters), exited {exitCode} after {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("</html>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/invoices/", html, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);

        await cluster.RestoreAsync(Ct);
    }

    /// <summary>Until some session waits for the lock the test holds on the invoice table (the page's query).</summary>
    private static async Task WaitUntilWaitingOnTheLockAsync(NpgsqlConnection blocker)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        await using var waiting = new NpgsqlCommand(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = '\"Invoices\"'::regclass", blocker);
        while ((long)(await waiting.ExecuteScalarAsync(Ct))! == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the invoice list never reached its query within 30 s");
            await Task.Delay(50, Ct);
        }
    }
}
