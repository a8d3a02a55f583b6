using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.ScaleTests.Infrastructure;

namespace Portal.ScaleTests;

/// <summary>
/// ADR 0006 kept: what a user's browser holds works on every instance, because nothing an instance needs lives
/// in another instance's memory (server-side sessions and data-protection keys are in PostgreSQL).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SessionsAcrossInstancesTests(ScaleCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Three_instances_started_at_once_on_an_empty_database_migrated_and_seeded_it_once()
    {
        await using var db = cluster.Db();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        // Two seeds would have made two demo customers (or failed on the unique e-mail and stopped an instance).
        Assert.Equal(1, await db.Users.CountAsync(u => u.Email == DemoData.CustomerEmail, Ct));
        Assert.All(cluster.Portals, p => Assert.True(p.Running, $"{p.Name} stopped:\n{p.Tail()}"));
    }

    [Fact]
    public async Task A_user_stays_signed_in_when_the_instance_that_signed_them_in_is_killed()
    {
        await cluster.RestoreAsync(Ct);
        using var browser = new Browser(cluster, "127.0.0.11");
        var (login, _, postedTo) = await browser.LogInAsync(DemoData.CustomerEmail, DemoData.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        var victim = cluster.Portals.Single(p => postedTo.EndsWith(":" + p.Port, StringComparison.Ordinal));
        victim.Kill();

        // The next requests land on the two others (nginx skips the dead one): every one signed in.
        var answers = new List<(HttpStatusCode Status, string Upstream)>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await browser.HomeAsync());
        }

        Assert.Equal(6, answers.Count(a => a.Status == HttpStatusCode.OK));
        var survivors = cluster.Portals.Where(p => p != victim).Select(p => "127.0.0.1:" + p.Port).Order().ToList();
        Assert.Equal(survivors, answers.Select(a => a.Upstream).Distinct().Order().ToList());
        await cluster.RestoreAsync(Ct);
    }

    [Fact]
    public async Task A_sign_out_on_one_instance_is_refused_on_every_instance_at_the_next_request()
    {
        await cluster.RestoreAsync(Ct);
        using var browser = new Browser(cluster, "127.0.0.12");
        var (login, _, _) = await browser.LogInAsync(DemoData.CustomerEmail, DemoData.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        // The cookie as it was before the sign-out: what a thief who copied it would replay.
        var stolen = browser.Cookies.GetCookieHeader(cluster.PublicUrl);

        // Signed in on every instance (one restarted by another test may be out of nginx's rotation for 2 s).
        var before = new List<(HttpStatusCode Status, string Upstream)>();
        while (before.Select(a => a.Upstream).Distinct().Count() < ScaleCluster.Instances && before.Count < 30)
        {
            before.Add(await browser.HomeAsync());
            await Task.Delay(before.Count > ScaleCluster.Instances ? 200 : 0, Ct);
        }

        Assert.Equal(before.Count, before.Count(a => a.Status == HttpStatusCode.OK));
        Assert.Equal(ScaleCluster.Instances, before.Select(a => a.Upstream).Distinct().Count());

        var (token, _) = await browser.FormAsync("/logout");
        using var logout = await browser.PostAsync("/logout", token, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        using var replay = cluster.Client("127.0.0.12");
        var after = new List<(HttpStatusCode Status, string Upstream, string? Location)>();
        for (var i = 0; i < ScaleCluster.Instances * 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Add("Cookie", stolen);
            using var response = await replay.SendAsync(request, Ct);
            after.Add((response.StatusCode, Browser.Upstream(response), response.Headers.Location?.ToString()));
        }

        // Every instance sent the replayed cookie to the login page.
        Assert.Equal(ScaleCluster.Instances * 2, after.Count(a => a.Status == HttpStatusCode.Redirect && a.Location!.Contains("/login", StringComparison.Ordinal)));
        Assert.Equal(ScaleCluster.Instances, after.Select(a => a.Upstream).Distinct().Count());
    }

    [Fact]
    public async Task A_form_drawn_by_one_instance_posts_to_another()
    {
        await cluster.RestoreAsync(Ct);
        var crossed = 0;
        for (var i = 0; i < 6; i++)
        {
            using var browser = new Browser(cluster, "127.0.0.13");
            var (login, drawnBy, postedTo) = await browser.LogInAsync(DemoData.MemberEmail, DemoData.Password);
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            if (drawnBy != postedTo)
            {
                crossed++;
            }

            // Signed in, the sign-out form too: drawn and posted wherever the rotation sends them.
            var (token, _) = await browser.FormAsync("/logout");
            using var logout = await browser.PostAsync("/logout", token, new Dictionary<string, string>());
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        }

        // Round robin over three: a form and its post never land on the same instance twice in a row.
        Assert.Equal(6, crossed);
    }
}
