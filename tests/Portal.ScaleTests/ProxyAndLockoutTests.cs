using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.ScaleTests.Infrastructure;

namespace Portal.ScaleTests;

/// <summary>What a client sends to pose as someone else is ignored, and the lockout counts across instances.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ProxyAndLockoutTests(ScaleCluster cluster)
{
    private const string Forged = "203.0.113.9";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_forged_forwarded_for_is_ignored_and_the_proxy_s_address_is_believed()
    {
        await cluster.RestoreAsync(Ct);
        var started = DateTime.UtcNow.AddSeconds(-1);
        using var browser = new Browser(cluster, "127.0.0.21");
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", Forged);
        var (login, _, _) = await browser.LogInAsync(DemoData.StaffEmail, DemoData.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        await using var db = cluster.Db();
        var addresses = await db.UserSessions.AsNoTracking()
            .Where(s => s.User!.Email == DemoData.StaffEmail && s.CreatedAt >= started)
            .Select(s => s.IpAddress).ToListAsync(Ct);
        // nginx overwrote the client's header with the address it saw; the portal believed nginx, not the client.
        Assert.Equal(["127.0.0.21"], addresses);
    }

    [Fact]
    public async Task Forwarded_headers_sent_straight_to_an_instance_are_ignored()
    {
        await cluster.RestoreAsync(Ct);
        foreach (var portal in cluster.Portals)
        {
            using var direct = ScaleCluster.Direct(portal, "127.0.0.22");
            using var request = new HttpRequestMessage(HttpMethod.Get, "/login");
            request.Headers.Add("X-Forwarded-For", Forged);
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Request-Id", "forged-request-id");
            using var response = await direct.SendAsync(request, Ct);

            // Still plain HTTP to the portal: sent to HTTPS, not served as if it were.
            Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
            Assert.NotEqual("forged-request-id", response.Headers.GetValues("X-Request-Id").Single());
        }
    }

    [Fact]
    public async Task The_request_id_nginx_logs_is_the_one_the_instance_logs_and_returns()
    {
        await cluster.RestoreAsync(Ct);
        using var browser = new Browser(cluster, "127.0.0.23");
        using var response = await browser.Http.GetAsync(new Uri("/login", UriKind.Relative), Ct);
        var id = response.Headers.GetValues("X-Request-Id").Single();
        Assert.Matches("^[0-9a-f]{32}$", id);

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!File.ReadAllText(cluster.Proxy.AccessLog).Contains("request_id=" + id, StringComparison.Ordinal)
            || !cluster.Portals.Any(p => p.LogLines.Any(l => l.Contains($"\"RequestId\":\"{id}\"", StringComparison.Ordinal))))
        {
            Assert.True(DateTime.UtcNow < deadline, $"request id {id} is missing from nginx's access log or the instances' logs");
            await Task.Delay(50, Ct);
        }
    }

    [Fact]
    public async Task The_lockout_counts_failures_on_every_instance_together()
    {
        await cluster.RestoreAsync(Ct);
        // Each attempt from an address of its own: the per-address rate limit is not what is tested here.
        var address = 30;
        var failed = new List<(HttpStatusCode Status, string Upstream)>();
        for (var i = 0; i < 5; i++)
        {
            using var attacker = new Browser(cluster, $"127.0.0.{address++}");
            var (response, _, postedTo) = await attacker.LogInAsync(DemoData.OtherCustomerEmail, "wrong-password-" + i);
            failed.Add((response.StatusCode, postedTo));
        }

        // Five refusals, spread over the instances by the rotation.
        Assert.Equal(5, failed.Count(f => f.Status == HttpStatusCode.OK));
        Assert.Equal(ScaleCluster.Instances, failed.Select(f => f.Upstream).Distinct().Count());

        // Now the right password is refused by every instance: five failures in all locked the login.
        var right = new List<(HttpStatusCode Status, string Upstream)>();
        for (var i = 0; i < ScaleCluster.Instances; i++)
        {
            using var owner = new Browser(cluster, $"127.0.0.{address++}");
            var (response, _, postedTo) = await owner.LogInAsync(DemoData.OtherCustomerEmail, DemoData.Password);
            right.Add((response.StatusCode, postedTo));
        }

        Assert.Equal(ScaleCluster.Instances, right.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Equal(ScaleCluster.Instances, right.Select(r => r.Upstream).Distinct().Count());
        await using var db = cluster.Db();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Email == DemoData.OtherCustomerEmail, Ct);
        Assert.True(user.LockoutEnd > DateTimeOffset.UtcNow, "the login is not locked after five failures on three instances");
    }
}
