using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Data;
using Portal.Features.Integration;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A portal of one's own for tests of background work: workers off (the test runs them by hand), a
/// clock the test moves, and <see cref="RestartAsync"/> to stop the instance and start a new one on
/// the same database. <see cref="StartSecondInstance"/> runs another instance beside it.
/// </summary>
public sealed class WorkerPortal : IAsyncDisposable
{
    private readonly PortalFactory _root;
    private readonly List<WebApplicationFactory<Program>> _others = [];

    private WorkerPortal(PortalFactory root)
    {
        _root = root;
        Host = NewInstance();
    }

    /// <summary>Starts at the real time and stands still until the test moves it.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public WebApplicationFactory<Program> Host { get; private set; }

    public IServiceProvider Services => Host.Services;

    /// <summary>The portal under the instances (its own database), for the helpers that arrange data through a <see cref="PortalFactory"/>.</summary>
    public PortalFactory Root => _root;

    public static WorkerPortal Start(IDictionary<string, string?>? settings = null)
    {
        var root = new PortalFactory();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            root.Settings[key] = value;
        }

        root.Settings["Workers:Enabled"] = "false";
        var portal = new WorkerPortal(root);
        _ = portal.Host.Server;
        return portal;
    }

    /// <summary>Stops this instance (as a crash or a deploy would) and starts a fresh one on the same database.</summary>
    public async Task RestartAsync()
    {
        await Host.DisposeAsync();
        Host = NewInstance();
        _ = Host.Server;
    }

    public WebApplicationFactory<Program> StartSecondInstance()
    {
        var other = NewInstance();
        _ = other.Server;
        _others.Add(other);
        return other;
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public async Task<T> WithDbAsync<T>(Func<PortalDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PortalDb>());
    }

    public async Task<HttpClient> ApiClientAsync()
    {
        var stdout = new StringWriter();
        await ApiKeyCommands.RunAsync(Services, ["api-key", "create", "worker-tests"], stdout, new StringWriter());
        var client = Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", stdout.ToString().Trim());
        return client;
    }

    private WebApplicationFactory<Program> NewInstance() =>
        _root.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock)));

    public async ValueTask DisposeAsync()
    {
        foreach (var other in _others)
        {
            await other.DisposeAsync();
        }

        await Host.DisposeAsync();
        await _root.DisposeAsync();
    }
}
