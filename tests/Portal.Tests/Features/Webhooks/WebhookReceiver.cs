using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Portal.Tests.Features.Webhooks;

/// <summary>
/// A billing system's webhook endpoint on a real loopback port: checks every signature by recomputing
/// the HMAC, can fail chosen attempts, and processes each event once, discarding duplicates by
/// Portal-Event-Id as a real receiver must.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<JsonElement> _processed = [];

    private WebhookReceiver(WebApplication app, string secret)
    {
        _app = app;
        Secret = secret;
    }

    public string Secret { get; }

    public string Url { get; private set; } = "";

    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>Decides the answer to a request that carries a valid signature (default 200).</summary>
    public Func<Request, int> Answer { get; set; } = _ => 200;

    /// <summary>Runs after a new event was processed and before the answer goes out.</summary>
    public Func<Request, Task> BeforeAnswering { get; set; } = _ => Task.CompletedTask;

    /// <summary>Events processed (deduplicated), in the order they were processed.</summary>
    public IReadOnlyList<JsonElement> Processed
    {
        get
        {
            lock (_gate)
            {
                return _processed.ToList();
            }
        }
    }

    public static async Task<WebhookReceiver> StartAsync(string? secret = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, secret ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
        app.MapPost("/hook", (Delegate)receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = app.Urls.Single() + "/hook";
        return receiver;
    }

    public int AttemptsFor(string eventId) => Requests.Count(r => r.EventId == eventId);

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var request = new Request(
            context.Request.Headers["Portal-Event-Id"].ToString(),
            context.Request.Headers["Portal-Event-Type"].ToString(),
            context.Request.Headers["Portal-Signature"].ToString(),
            context.Request.ContentType,
            body);
        request.SignatureValid = SignatureIsValid(request.Signature, body);
        Requests.Enqueue(request);
        if (!request.SignatureValid)
        {
            return Results.StatusCode(400);
        }

        var status = Answer(request);
        if (status is < 200 or > 299)
        {
            return Results.StatusCode(status);
        }

        bool isNew;
        lock (_gate)
        {
            isNew = _seen.Add(request.EventId);
            if (isNew)
            {
                _processed.Add(JsonDocument.Parse(body).RootElement.Clone());
            }
        }

        if (isNew)
        {
            await BeforeAnswering(request);
        }

        return Results.StatusCode(status);
    }

    // Written from the documented contract, not with the portal's own helper.
    private bool SignatureIsValid(string header, string body)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1) || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(t + "." + body));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(expected)), Encoding.ASCII.GetBytes(v1));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Request(string EventId, string EventType, string Signature, string? ContentType, string Body)
    {
        public bool SignatureValid { get; set; }
    }
}
