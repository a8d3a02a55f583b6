using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Data;

namespace Portal.ScaleTests.Infrastructure;

/// <summary>
/// The deployment of docs/deployment.md on loopback, started and stopped here: a fresh PostgreSQL database of its
/// own on the test server (PORTAL_TEST_PG), three portal instances started at once on it (the first migrates and
/// seeds the demo data, the others wait), nginx in front terminating TLS, the repository's SMTP server and a
/// webhook receiver. The workers poll every 200 ms and a killed instance's claims run out after a few seconds.
/// </summary>
public sealed class ScaleCluster : IAsyncLifetime
{
    public const int Instances = 3;

    private readonly string _dir = Directory.CreateTempSubdirectory("portal-scale-").FullName;
    private readonly string _database = $"portal_scale_{Guid.NewGuid():N}";
    private string? _admin;

    public List<PortalInstance> Portals { get; } = [];

    public Nginx Proxy { get; private set; } = null!;

    public SmtpReceiver Smtp { get; private set; } = null!;

    public WebhookReceiver Webhooks { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public Uri PublicUrl => new($"https://127.0.0.1:{Proxy.Port.ToString(CultureInfo.InvariantCulture)}/");

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        // A missing server is a failure, never a skip: test.sh starts PostgreSQL before the run.
        _admin = Environment.GetEnvironmentVariable("PORTAL_TEST_PG")
            ?? throw new InvalidOperationException("The scale tests need PORTAL_TEST_PG (a PostgreSQL server where the user may create databases). Run ./test.sh.");
        await using (var connection = new NpgsqlConnection(_admin))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
            await command.ExecuteNonQueryAsync(ct);
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { Database = _database, MaxPoolSize = 20 }.ConnectionString;
        Smtp = await SmtpReceiver.StartAsync(Path.Combine(_dir, "smtp"), ct);
        Webhooks = await WebhookReceiver.StartAsync();

        var environment = InstanceSettings(placeholderPublicUrl: "https://127.0.0.1/");
        // All three at once on the empty database: the migration lock makes them take turns.
        var started = await Task.WhenAll(Enumerable.Range(1, Instances)
            .Select(i => PortalInstance.StartAsync($"portal-{i}", environment, ct)));
        Portals.AddRange(started);
        foreach (var portal in Portals)
        {
            await WaitReadyAsync(portal, ct);
        }

        Proxy = await Nginx.StartAsync(Path.Combine(_dir, "nginx"), Portals.Select(p => p.Port), ct);
    }

    private Dictionary<string, string> InstanceSettings(string placeholderPublicUrl) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_NOLOGO"] = "1",
        ["Database__Provider"] = "Postgres",
        ["ConnectionStrings__Portal"] = ConnectionString,
        ["DemoData__Enabled"] = "true",
        ["Portal__PublicUrl"] = placeholderPublicUrl,
        // nginx terminates TLS: the cookies are Secure and __Host-, as in production.
        ["Security__SecureCookies"] = "true",
        ["Security__KnownProxies__0"] = Nginx.ProxyAddress,
        ["Logging__Console__FormatterName"] = "json",
        ["Logging__Console__FormatterOptions__IncludeScopes"] = "true",
        // "Executing endpoint": a line written inside the request, so inside its RequestId scope.
        ["Logging__LogLevel__Microsoft.AspNetCore.Routing.EndpointMiddleware"] = "Information",
        ["Workers__Interval"] = "00:00:00.200",
        ["Workers__LeaseMargin"] = "00:00:02",
        ["Email__Smtp__Host"] = "127.0.0.1",
        ["Email__Smtp__Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Email__Smtp__Security"] = "StartTls",
        ["Email__Smtp__UserName"] = SmtpReceiver.User,
        ["Email__Smtp__Password"] = SmtpReceiver.Password,
        ["Email__Smtp__TrustedCertificateFile"] = Smtp.CertificateFile,
        ["Email__Smtp__CheckCertificateRevocation"] = "false",
        // A two-core machine running other tests beside these can take seconds for one STARTTLS handshake:
        // a 2 s timeout turned that into a failed send (retried only after FirstRetryDelay) or, when the
        // server had the message already, into a duplicate. Failures are retried within seconds here.
        // The claim lasts Timeout x BatchSize + LeaseMargin (32 s): what a killed instance held comes free
        // well inside the tests' 90 s wait. (30 s x 5 gave 152 s, and CI saw 195/200 after 90 s.)
        ["Email__Smtp__Timeout"] = "00:00:10",
        ["Email__FirstRetryDelay"] = "00:00:02",
        ["Email__BatchSize"] = "3",
        ["Email__From"] = "billing@operator.example",
        ["Webhooks__AllowHttpLoopback"] = "true",
        ["Webhooks__AllowedInternalHosts__0"] = "127.0.0.1",
        ["Webhooks__Timeout"] = "00:00:10",
        ["Webhooks__FirstRetryDelay"] = "00:00:02",
        ["Webhooks__BatchSize"] = "10",
    };

    /// <summary>Polls the instance's readiness probe directly (as an orchestrator would) until it answers 200.</summary>
    public static async Task WaitReadyAsync(PortalInstance portal, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{portal.Port.ToString(CultureInfo.InvariantCulture)}/healthz/ready"), ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // A first request on a busy machine (the JIT, the first connections): asked again.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{portal.Name} was not ready within 60 s:\n{portal.Tail()}");
            }

            await Task.Delay(100, ct);
        }
    }

    /// <summary>Starts again every instance a test killed, on its own port, and waits until it is ready.</summary>
    public async Task RestoreAsync(CancellationToken ct)
    {
        foreach (var portal in Portals.Where(p => !p.Running))
        {
            await portal.RestartAsync(ct);
            await WaitReadyAsync(portal, ct);
        }
    }

    /// <summary>A context on the cluster's database, for arranging data and reading outcomes.</summary>
    public PortalDb Db() => new(PortalDbOptions.Create(DatabaseProvider.Postgres, ConnectionString));

    /// <summary>The instances' key ring, read from the database as every instance reads it.</summary>
    public IDataProtectionProvider DataProtection()
    {
        var services = new ServiceCollection();
        services.AddSingleton(PortalDbOptions.Create(DatabaseProvider.Postgres, ConnectionString));
        services.AddScoped<PortalDb>();
        services.AddDataProtection().SetApplicationName("customer-portal").PersistKeysToDbContext<PortalDb>();
        return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
    }

    /// <summary>
    /// A client of the public address (nginx, TLS) whose connections come from <paramref name="clientAddress"/>
    /// (a loopback address of its own, so that per-address rate limits of one test do not touch another's).
    /// </summary>
    public HttpClient Client(string clientAddress, CookieContainer? cookies = null) => new(Handler(clientAddress, cookies))
    {
        BaseAddress = PublicUrl,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>A client straight to one instance, bypassing the proxy.</summary>
    public static HttpClient Direct(PortalInstance portal, string clientAddress) => new(Handler(clientAddress, null))
    {
        BaseAddress = new Uri($"http://127.0.0.1:{portal.Port.ToString(CultureInfo.InvariantCulture)}/"),
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static SocketsHttpHandler Handler(string clientAddress, CookieContainer? cookies)
    {
        var local = IPAddress.Parse(clientAddress);
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
            // nginx's certificate is the test's own.
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        foreach (var portal in Portals)
        {
            await portal.DisposeAsync();
        }

        if (Webhooks is not null)
        {
            await Webhooks.DisposeAsync();
        }

        if (Smtp is not null)
        {
            await Smtp.DisposeAsync();
        }

        if (_admin is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a process that is going away: left for the temp cleaner.
        }
    }
}
