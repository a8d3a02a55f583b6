using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Events;
using Portal.Infrastructure.Events;
using Portal.Infrastructure.Telemetry;
using Portal.Infrastructure.Workers;

namespace Portal.Features.Webhooks;

/// <summary>
/// Pushes integration events to webhook subscriptions. Each pass (a) fans new events out into delivery
/// rows, per subscription, moving the subscription's cursor in the same transaction, and (b) sends the
/// deliveries that are due and at the head of their account's line, each claimed first with a
/// lease (<see cref="WorkLeases"/>) so that several instances never send the same one at once. At least once: a
/// delivery is marked only after the receiver answered, so a crash in between sends it again.
/// </summary>
public sealed class WebhookDispatcher(
    IServiceScopeFactory scopes,
    IHttpClientFactory httpClients,
    TimeProvider time,
    IOptions<WebhookOptions> webhookOptions,
    IOptions<WorkerOptions> workerOptions,
    WorkLeases leases,
    ILogger<WebhookDispatcher> logger) : PollingWorker(workerOptions.Value, logger)
{
    private const int FanOutBatch = 500;

    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(20);

    private readonly WebhookOptions _options = webhookOptions.Value;

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var fannedOut = await FanOutAsync(ct);
        var attempted = await DeliverDueAsync(ct);
        return fannedOut + attempted;
    }

    /// <summary>Creates deliveries for events the subscriptions have not seen yet; returns how many events it consumed.</summary>
    public async Task<int> FanOutAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking()
            .OrderBy(s => s.Id)
            .Select(s => new { s.Id, s.EventTypes, s.Active, s.LastEventId })
            .ToListAsync(ct);
        var consumed = 0;
        foreach (var s in subscriptions)
        {
            var cursor = s.LastEventId;
            var types = s.Active ? WebhookSubscription.SplitTypes(s.EventTypes) : null;
            // Cheap check first: the table lock in a batch is only worth taking when there is something
            // new. A bounded number of batches per pass, so that a long backlog does not hold up sending.
            for (var batch = 0; batch < 20 && await db.IntegrationEvents.AnyAsync(e => e.Id > cursor, ct); batch++)
            {
                var (count, last) = await FanOutBatchAsync(db, s.Id, types, cursor, ct);
                if (count == 0)
                {
                    // Another instance moved this cursor first.
                    break;
                }

                consumed += count;
                cursor = last;
            }
        }

        return consumed;
    }

    private async Task<(int Count, long Last)> FanOutBatchAsync(PortalDb db, long subscriptionId, IReadOnlyList<string>? types, long after, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await IntegrationEventReader.WaitForWritersAsync(db, ct);
        var events = await db.IntegrationEvents.AsNoTracking()
            .Where(e => e.Id > after)
            .OrderBy(e => e.Id)
            .Take(FanOutBatch)
            .Select(e => new { e.Id, e.Type, e.AccountId })
            .ToListAsync(ct);
        if (events.Count == 0)
        {
            return (0, after);
        }

        var last = events[^1].Id;
        // Conditional: if another instance moved the cursor first, this batch is theirs.
        var moved = await db.WebhookSubscriptions
            .Where(x => x.Id == subscriptionId && x.LastEventId == after)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.LastEventId, last), ct);
        if (moved == 0)
        {
            return (0, after);
        }

        if (types is not null)
        {
            var now = leases.Now();
            foreach (var e in events.Where(e => WebhookSubscription.Matches(types, e.Type)))
            {
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    SubscriptionId = subscriptionId,
                    IntegrationEventId = e.Id,
                    AccountId = e.AccountId,
                    Status = WebhookDeliveryStatus.Pending,
                    NextAttemptAt = now,
                    CreatedAt = now,
                });
            }

            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }

        await tx.CommitAsync(ct);
        return (events.Count, last);
    }

    /// <summary>Sends the deliveries that are due; returns how many it attempted.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var open = db.WebhookDeliveries
            .Where(d => (d.Status == WebhookDeliveryStatus.Pending || d.Status == WebhookDeliveryStatus.Failed) && d.Subscription!.Active);
        await leases.ReportBacklogAsync(nameof(WebhookDispatcher), open, ct);
        var eligible = open
            // Head of line: nothing older for the same account and subscription is still open.
            .Where(d => !db.WebhookDeliveries.Any(o => o.SubscriptionId == d.SubscriptionId
                && o.AccountId == d.AccountId
                && o.IntegrationEventId < d.IntegrationEventId
                && (o.Status == WebhookDeliveryStatus.Pending || o.Status == WebhookDeliveryStatus.Failed)));
        var parallelism = Math.Max(1, _options.Parallelism);
        // Longer than the batch can take, so a claim runs out only when its sender is gone.
        var rounds = (_options.BatchSize + parallelism - 1) / parallelism;
        await using var claim = await leases.ClaimAsync(db, eligible, _options.BatchSize, (_options.Timeout * rounds) + (workerOptions.Value.LeaseMargin ?? LeaseMargin), ct);

        // Each claimed delivery heads a different line, so sending them side by side keeps the order.
        // Stopping (SIGTERM, a deploy): no delivery starts any more, and disposing the claim hands the unstarted
        // ones back, due at once for another instance. Those in flight are finished, not cut off after the
        // receiver may have taken them (they would be handed back and delivered twice); the timeout bounds them.
        await Parallel.ForEachAsync(claim.Ids, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (id, _) =>
        {
            if (ct.IsCancellationRequested)
            {
                return;
            }

            await DeliverAsync(id, claim.Lease, CancellationToken.None);
            claim.Done(id);
        });
        return claim.Count;
    }

    private async Task DeliverAsync(long id, DateTime lease, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var work = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Id == id)
            .Select(d => new
            {
                d.Attempts,
                d.CreatedAt,
                d.Subscription!.Url,
                d.Subscription.ProtectedSecret,
                d.Event!.EventId,
                d.Event.Type,
                d.Event.OccurredAt,
                d.Event.AccountExternalId,
                d.Event.Payload,
            })
            .SingleAsync(ct);

        var (statusCode, error) = await PostAsync(work.Url, work.ProtectedSecret, work.EventId, work.Type, scope.ServiceProvider.GetRequiredService<WebhookSecrets>(),
            EventEnvelope.Create(work.EventId, work.Type, work.OccurredAt, work.AccountExternalId, work.Payload).ToJson(), ct);

        var attempts = work.Attempts + 1;
        var finished = leases.Now();
        int updated;
        if (error is null)
        {
            updated = await db.WebhookDeliveries
                .Where(d => d.Id == id && d.NextAttemptAt == lease)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(d => d.Status, WebhookDeliveryStatus.Succeeded)
                    .SetProperty(d => d.Attempts, attempts)
                    .SetProperty(d => d.LastStatusCode, statusCode)
                    .SetProperty(d => d.LastError, (string?)null)
                    .SetProperty(d => d.DeliveredAt, finished)
                    .SetProperty(d => d.NextAttemptAt, finished), ct);
            PortalMetrics.WebhookDelivered();
        }
        else
        {
            var next = finished + _options.RetryDelay(attempts);
            var status = next > work.CreatedAt + _options.RetryWindow ? WebhookDeliveryStatus.GaveUp : WebhookDeliveryStatus.Failed;
            var message = error.Length > WebhookDelivery.LastErrorLength ? error[..WebhookDelivery.LastErrorLength] : error;
            updated = await db.WebhookDeliveries
                .Where(d => d.Id == id && d.NextAttemptAt == lease)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(d => d.Status, status)
                    .SetProperty(d => d.Attempts, attempts)
                    .SetProperty(d => d.LastStatusCode, statusCode)
                    .SetProperty(d => d.LastError, message)
                    .SetProperty(d => d.NextAttemptAt, next), ct);
            PortalMetrics.WebhookFailed(status == WebhookDeliveryStatus.GaveUp);
            logger.LogWarning("Webhook delivery {DeliveryId} of event {EventId} failed (attempt {Attempts}): {Error}; {Outcome}.",
                id, work.EventId, attempts, message, status == WebhookDeliveryStatus.GaveUp ? "gave up" : "retrying at " + next.ToString("O", CultureInfo.InvariantCulture));
        }

        if (updated == 0)
        {
            // The claim ran out while the receiver was answering and another pass took the delivery over;
            // its outcome stands (the receiver sees the event twice and discards one by its id).
            logger.LogWarning("Webhook delivery {DeliveryId} lost its claim before it was marked.", id);
        }
    }

    private async Task<(int? StatusCode, string? Error)> PostAsync(string url, string protectedSecret, Guid eventId, string type, WebhookSecrets secrets, string body, CancellationToken ct)
    {
        string secret;
        try
        {
            secret = secrets.Unprotect(protectedSecret);
        }
        catch (CryptographicException)
        {
            return (null, "The signing secret cannot be decrypted (data-protection keys lost?); set the secret again.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Create(secret, time.GetUtcNow().ToUnixTimeSeconds(), body));
        request.Headers.TryAddWithoutValidation(WebhookSignature.EventIdHeader, eventId.ToString());
        request.Headers.TryAddWithoutValidation(WebhookSignature.EventTypeHeader, type);
        var client = httpClients.CreateClient(WebhookOptions.HttpClientName);
        try
        {
            using var response = await SendOnceMoreIfStaleAsync(client, request, ct);
            var code = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? (code, null) : (code, $"HTTP {code.ToString(CultureInfo.InvariantCulture)}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"No answer within {_options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }
        catch (HttpRequestException ex)
        {
            logger.LogInformation(ex, "Webhook POST to {Host} failed.", request.RequestUri?.Host);
            return (null, Reason(ex));
        }
    }

    // A receiver that closes its connection after each reply (without saying "Connection: close")
    // leaves a dead connection in the pool, and the next delivery on it fails before any answer.
    // Waiting the retry delay (30 s) for that would hold the account's later events back: the same
    // request goes once more at once, on a new connection (at least once: the receiver dedupes by id).
    private static async Task<HttpResponseMessage> SendOnceMoreIfStaleAsync(HttpClient client, HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.Unknown && ex is not WebhookAddressRefusedException && ex.InnerException is not WebhookAddressRefusedException)
        {
            using var again = new HttpRequestMessage(request.Method, request.RequestUri) { Content = request.Content };
            foreach (var header in request.Headers)
            {
                again.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            return await client.SendAsync(again, HttpCompletionOption.ResponseHeadersRead, ct);
        }
    }

    /// <summary>
    /// What the delivery log (shown through the API) says about a failure: a short fixed reason, never the
    /// exception's text, which names internal hosts, addresses and ports. The full error goes to the log.
    /// </summary>
    internal static string Reason(HttpRequestException ex) =>
        ex is WebhookAddressRefusedException || ex.InnerException is WebhookAddressRefusedException
            ? "Refused: the receiver's host resolves to an internal address."
            : ex.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => "The receiver's host name could not be resolved.",
                HttpRequestError.ConnectionError => "Could not connect to the receiver.",
                HttpRequestError.SecureConnectionError => "The TLS handshake with the receiver failed.",
                HttpRequestError.ResponseEnded => "The receiver closed the connection without an answer.",
                HttpRequestError.InvalidResponse or HttpRequestError.ConfigurationLimitExceeded => "The receiver's answer was not valid HTTP.",
                _ => "The request to the receiver failed.",
            };
}
