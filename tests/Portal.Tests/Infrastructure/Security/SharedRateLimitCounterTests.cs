using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Infrastructure.Security;

namespace Portal.Tests.Infrastructure.Security;

/// <summary>
/// The database counter behind the login rate limit, on SQLite and PostgreSQL as every test here: attempts
/// racing on separate connections (as several instances would) are counted exactly, a window runs out when
/// it should, and windows that ran out are purged.
/// </summary>
public sealed class SharedRateLimitCounterTests : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private readonly WorkerPortal _portal = WorkerPortal.Start();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task Concurrent_attempts_on_separate_connections_are_counted_exactly()
    {
        // One counter per "instance", eight instances racing, 25 attempts each, each on a connection of its own.
        var key = "/login|race-" + Guid.NewGuid().ToString("N");
        var counts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var counter = new SharedRateLimitCounter(_portal.Clock);
            var seen = new List<int>();
            for (var i = 0; i < 25; i++)
            {
                await using var scope = _portal.Services.CreateAsyncScope();
                seen.Add((await counter.IncrementAsync(scope.ServiceProvider.GetRequiredService<PortalDb>(), key, Window, Ct)).Count);
            }

            return seen;
        }, Ct)));

        // Every attempt saw a count of its own: none lost, none counted twice.
        Assert.Equal(Enumerable.Range(1, 200), counts.SelectMany(c => c).Order());
        Assert.Equal(200, await _portal.WithDbAsync(db => db.RateLimitWindows.Where(w => w.Key == key).Select(w => w.Count).SingleAsync(Ct)));
    }

    [Fact]
    public async Task A_window_starts_at_the_first_attempt_and_a_new_one_after_it_runs_out()
    {
        var counter = new SharedRateLimitCounter(_portal.Clock);
        var key = "/forgot-password|192.0.2." + Random.Shared.Next(1, 250).ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(new RateLimitCount(1, Window), await IncrementAsync(counter, key));
        _portal.Clock.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(new RateLimitCount(2, TimeSpan.FromSeconds(15)), await IncrementAsync(counter, key));
        _portal.Clock.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(new RateLimitCount(3, TimeSpan.FromSeconds(1)), await IncrementAsync(counter, key));
        _portal.Clock.Advance(TimeSpan.FromSeconds(1));

        // Exactly one window later: a new window, counting from one.
        Assert.Equal(new RateLimitCount(1, Window), await IncrementAsync(counter, key));
    }

    [Fact]
    public async Task Windows_that_ran_out_are_purged_and_live_ones_kept()
    {
        var counter = new SharedRateLimitCounter(_portal.Clock);
        var run = Guid.NewGuid().ToString("N");
        await IncrementAsync(counter, "/register|old-" + run);
        _portal.Clock.Advance(TimeSpan.FromSeconds(30));
        await IncrementAsync(counter, "/register|live-" + run);
        _portal.Clock.Advance(TimeSpan.FromSeconds(31));

        await IncrementAsync(counter, "/register|new-" + run);

        var left = await _portal.WithDbAsync(db => db.RateLimitWindows.Where(w => w.Key.EndsWith(run)).Select(w => w.Key).ToListAsync(Ct));
        Assert.Equal(["/register|live-" + run, "/register|new-" + run], left.Order());
    }

    private async Task<RateLimitCount> IncrementAsync(SharedRateLimitCounter counter, string key)
    {
        await using var scope = _portal.Services.CreateAsyncScope();
        return await counter.IncrementAsync(scope.ServiceProvider.GetRequiredService<PortalDb>(), key, Window, Ct);
    }
}
