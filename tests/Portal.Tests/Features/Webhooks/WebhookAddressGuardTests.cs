using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Webhooks;
using Portal.Tests.Infrastructure;
using static Portal.Tests.Features.Webhooks.WebhookTestData;

namespace Portal.Tests.Features.Webhooks;

/// <summary>
/// Webhooks never reach inside: a receiver whose host is or resolves to an internal address is refused
/// at registration (400 naming url) and again at delivery (the connection goes only to checked
/// addresses); the delivery log says why in a short fixed reason, never the raw network error; and a
/// receiver that drops its connection after each reply does not hold an account's events back.
/// </summary>
public sealed class WebhookAddressGuardTests
{
    private const string Secret = "a-webhook-secret-of-32-characters!!";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // On these portals loopback is not allowed: only a host nobody uses is.
    private static readonly Dictionary<string, string?> Guarded = new() { ["Webhooks:AllowedInternalHosts:0"] = "allowed-internal.invalid" };

    public static TheoryData<string> InternalUrls() => new()
    {
        "https://127.0.0.1/hook",
        "https://127.0.0.2:8443/hook",
        "https://127.1/hook",
        "https://2130706433/hook",
        "https://0x7f000001/hook",
        "https://0177.0.0.1/hook",
        "https://0x7f.0.0.1/hook",
        "https://localhost/hook",
        "https://LOCALHOST./hook",
        "https://[::1]/hook",
        "https://[0:0:0:0:0:0:0:1]/hook",
        "https://[::]/hook",
        "https://0.0.0.0/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[::ffff:7f00:1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://[64:ff9b::a9fe:a9fe]/hook",
        "https://[2002:c0a8:0101::1]/hook",
        "https://10.0.0.1/hook",
        "https://10.255.255.254/hook",
        "https://172.16.0.1/hook",
        "https://172.31.255.255/hook",
        "https://192.168.1.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://100.64.0.1/hook",
        "https://100.127.255.255/hook",
        "https://224.0.0.1/hook",
        "https://239.255.255.250/hook",
        "https://255.255.255.255/hook",
        "https://[fd00::1]/hook",
        "https://[fc00::1]/hook",
        "https://[fe80::1]/hook",
        "https://[ff02::1]/hook",
        "http://127.0.0.1:9/hook",
    };

    [Theory]
    [MemberData(nameof(InternalUrls))]
    public async Task An_internal_receiver_is_refused_at_registration_naming_the_url(string url)
    {
        await using var portal = WorkerPortal.Start(Guarded);
        var api = await portal.ApiClientAsync();

        var response = await api.PutAsJsonAsync("/api/v1/webhooks/inside", new { url, eventTypes = new[] { "*" }, secret = Secret }, Ct);

        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)response.StatusCode} {text}");
        Assert.Contains("\"url\"", text, StringComparison.Ordinal);
        Assert.Equal(0, await portal.WithDbAsync(db => db.WebhookSubscriptions.CountAsync(Ct)));
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_pass(string address) => Assert.False(WebhookAddressGuard.IsInternal(IPAddress.Parse(address)));

    [Fact]
    public async Task A_host_the_operator_allows_may_be_internal()
    {
        // The shared test settings allow 127.0.0.1 (the tests' receivers listen there).
        await using var portal = WorkerPortal.Start();
        await using var receiver = await WebhookReceiver.StartAsync();
        await SubscribeAsync(await portal.ApiClientAsync(), "allowed", receiver, "*");
        await RecordAsync(portal.Services, ("payment.succeeded", "ACC-10001"));

        await DrainAsync(portal.Services);

        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Delivery_checks_again_and_never_connects_to_an_internal_address()
    {
        // A subscription that passed registration while its name resolved elsewhere (DNS rebinding),
        // written here directly: at delivery its host is loopback, which this portal does not allow.
        await using var portal = WorkerPortal.Start(Guarded);
        await using var receiver = await WebhookReceiver.StartAsync();
        await InsertSubscriptionAsync(portal, "rebound", receiver.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
        await InsertSubscriptionAsync(portal, "literal", receiver.Url);
        await RecordAsync(portal.Services, ("payment.succeeded", "ACC-10001"));

        await DrainAsync(portal.Services);

        Assert.Empty(receiver.Requests);
        var deliveries = await portal.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().ToListAsync(Ct));
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d =>
        {
            Assert.Equal(WebhookDeliveryStatus.Failed, d.Status);
            Assert.Equal("Refused: the receiver's host resolves to an internal address.", d.LastError);
        });
    }

    [Fact]
    public async Task The_delivery_log_gives_a_short_reason_not_the_raw_network_error()
    {
        await using var portal = WorkerPortal.Start();
        var closedPort = ClosedLoopbackPort();
        var api = await portal.ApiClientAsync();
        (await api.PutAsJsonAsync("/api/v1/webhooks/closed", new { url = $"http://127.0.0.1:{closedPort}/hook", eventTypes = new[] { "*" }, secret = Secret }, Ct)).EnsureSuccessStatusCode();
        await RecordAsync(portal.Services, ("payment.succeeded", "ACC-10001"));

        await DrainAsync(portal.Services);
        var log = await api.GetStringAsync("/api/v1/webhooks/closed/deliveries", Ct);

        Assert.Contains("Could not connect to the receiver.", log, StringComparison.Ordinal);
        Assert.DoesNotContain("refused", log, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), log.Replace($"127.0.0.1:{closedPort}", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receiver_that_drops_its_connection_after_each_reply_does_not_hold_events_back()
    {
        await using var portal = WorkerPortal.Start();
        await using var receiver = OneReplyPerConnectionReceiver.Start();
        var api = await portal.ApiClientAsync();
        (await api.PutAsJsonAsync("/api/v1/webhooks/dropper", new { url = receiver.Url, eventTypes = new[] { "*" }, secret = Secret }, Ct)).EnsureSuccessStatusCode();
        await RecordAsync(portal.Services, ("payment.succeeded", "ACC-10001"), ("payment.succeeded", "ACC-10001"), ("payment.succeeded", "ACC-10001"), ("payment.succeeded", "ACC-10001"));

        // No clock moves: a delivery that failed would wait its 30 s retry delay and stop the drain.
        await DrainAsync(portal.Services);

        var deliveries = await DeliveriesAsync(portal, "dropper");
        Assert.Equal(4, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(WebhookDeliveryStatus.Succeeded, d.Status));
        Assert.True(receiver.Connections >= 2, $"{receiver.Connections} connections: the receiver did not drop any");
    }

    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static Task InsertSubscriptionAsync(WorkerPortal portal, string name, string url) => portal.WithDbAsync(async db =>
    {
        var now = DateTime.UtcNow;
        db.WebhookSubscriptions.Add(new WebhookSubscription
        {
            Name = name,
            Url = url,
            EventTypes = "*",
            ProtectedSecret = portal.Get<WebhookSecrets>().Protect(Secret),
            Active = true,
            LastEventId = await db.IntegrationEvents.MaxAsync(e => (long?)e.Id, Ct) ?? 0,
            CreatedAt = now,
            UpdatedAt = now,
        });
        await db.SaveChangesAsync(Ct);
        return true;
    });

    /// <summary>
    /// A receiver that answers the first request on a connection and closes the connection, without
    /// "Connection: close", when the next request on it arrives: what a client sees when a server
    /// closes idle keep-alive connections right after its reply.
    /// </summary>
    private sealed class OneReplyPerConnectionReceiver : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _connections;

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/hook";

        public int Connections => Volatile.Read(ref _connections);

        public static OneReplyPerConnectionReceiver Start()
        {
            var receiver = new OneReplyPerConnectionReceiver();
            receiver._listener.Start();
            _ = receiver.AcceptAsync();
            return receiver;
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync(_stop.Token);
                }
                catch (Exception)
                {
                    return;
                }

                Interlocked.Increment(ref _connections);
                _ = ServeOneAsync(socket);
            }
        }

        private async Task ServeOneAsync(Socket socket)
        {
            using (socket)
            {
                var buffer = new byte[64 * 1024];
                var received = new StringBuilder();
                try
                {
                    // Read the head and the body (Content-Length), answer, then wait for the next request and drop it.
                    while (true)
                    {
                        var n = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                        if (n == 0)
                        {
                            return;
                        }

                        received.Append(Encoding.ASCII.GetString(buffer, 0, n));
                        var text = received.ToString();
                        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                        if (end < 0)
                        {
                            continue;
                        }

                        var lengthLine = text[..end].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                        var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                        if (text.Length - end - 4 >= length)
                        {
                            break;
                        }
                    }

                    await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), SocketFlags.None, _stop.Token);
                    await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                }
                catch (Exception)
                {
                    // The portal went away or the test ended.
                }
            }
        }

        public ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
