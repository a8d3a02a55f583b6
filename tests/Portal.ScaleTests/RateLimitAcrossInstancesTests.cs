using System.Net;
using Portal.ScaleTests.Infrastructure;

namespace Portal.ScaleTests;

/// <summary>
/// The login rate limit counts in the database: an attacker whom nginx spreads over the three instances gets
/// the limit of one instance (10 a minute by default), not three times it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RateLimitAcrossInstancesTests(ScaleCluster cluster)
{
    private const int Limit = 10;
    private const int Attempts = 3 * Limit;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_address_round_robined_over_three_instances_gets_the_limit_of_one()
    {
        await cluster.RestoreAsync(Ct);
        // One address, a different unknown login each time: only the per-address limit can refuse.
        using var attacker = new Browser(cluster, "127.0.0.60");
        var answers = new List<(HttpStatusCode Status, string Upstream)>();
        for (var i = 0; i < Attempts; i++)
        {
            var (response, _, postedTo) = await attacker.LogInAsync($"nobody{i}@attacker.example", "wrong-password-" + i);
            answers.Add((response.StatusCode, postedTo));
            response.Dispose();
        }

        Report("per address", answers);
        Assert.Equal(ScaleCluster.Instances, answers.Select(a => a.Upstream).Distinct().Count());
        // The first ten answered (a wrong password), all the rest refused, whichever instance took them.
        Assert.All(answers.Take(Limit), a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.All(answers.Skip(Limit), a => Assert.Equal(HttpStatusCode.TooManyRequests, a.Status));
    }

    [Fact]
    public async Task One_login_tried_from_many_addresses_over_three_instances_gets_the_limit_of_one()
    {
        await cluster.RestoreAsync(Ct);
        // A new address for every attempt on the same (unknown, so never locked) login: only the per-login limit can refuse.
        var answers = new List<(HttpStatusCode Status, string Upstream)>();
        for (var i = 0; i < Attempts; i++)
        {
            using var attacker = new Browser(cluster, $"127.0.1.{i + 1}");
            var (response, _, postedTo) = await attacker.LogInAsync("target@attacker.example", "wrong-password-" + i);
            answers.Add((response.StatusCode, postedTo));
            response.Dispose();
        }

        Report("per login", answers);
        Assert.Equal(ScaleCluster.Instances, answers.Select(a => a.Upstream).Distinct().Count());
        Assert.All(answers.Take(Limit), a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.All(answers.Skip(Limit), a => Assert.Equal(HttpStatusCode.TooManyRequests, a.Status));
    }

    private static void Report(string what, List<(HttpStatusCode Status, string Upstream)> answers)
    {
        foreach (var upstream in answers.GroupBy(a => a.Upstream).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{what}: {upstream.Key} answered {upstream.Count(a => a.Status == HttpStatusCode.OK)}, refused {upstream.Count(a => a.Status == HttpStatusCode.TooManyRequests)}");
        }
    }
}
