using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Webhooks;
using Portal.Infrastructure.Events;
using Portal.Tests.Infrastructure;
using static Portal.Tests.Features.Webhooks.WebhookTestData;

namespace Portal.Tests.Features.Webhooks;

public sealed class WebhookDeliveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_delivery_is_a_signed_json_post_of_the_event()
    {
        await using var portal = WorkerPortal.Start();
        await using var receiver = await WebhookReceiver.StartAsync();
        await SubscribeAsync(await portal.ApiClientAsync(), "billing", receiver, "payment.*");
        var before = portal.Clock.GetUtcNow().UtcDateTime;
        await RecordAsync(portal.Services, ("payment.succeeded", "ACC-10001"), ("order.placed", "ACC-10001"));

        await DrainAsync(portal.Services);

        var request = Assert.Single(receiver.Requests);
        Assert.True(request.SignatureValid);
        Assert.Equal("application/json", request.ContentType?.Split(';')[0]);
        Assert.Equal("payment.succeeded", request.EventType);
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal(request.EventId, body.GetProperty("id").GetString());
        Assert.Equal("payment.succeeded", body.GetProperty("type").GetString());
        Assert.Equal("ACC-10001", body.GetProperty("account").GetProperty("id").GetString());
        Assert.Equal(12.5m, body.GetProperty("data").GetProperty("amount").GetDecimal());
        Assert.InRange(body.GetProperty("occurredAt").GetDateTime(), before.AddSeconds(-1), portal.Clock.GetUtcNow().UtcDateTime);
        var timestamp = long.Parse(request.Signature.Split(',')[0]["t=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(timestamp, new DateTimeOffset(before).ToUnixTimeSeconds() - 1, portal.Clock.GetUtcNow().ToUnixTimeSeconds());
        Assert.True(WebhookSignature.Verify(receiver.Secret, request.Signature, request.Body, portal.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("another-secret-another-secret-another", request.Signature, request.Body, portal.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        var delivery = Assert.Single(await DeliveriesAsync(portal, "billing"));
        Assert.Equal(WebhookDeliveryStatus.Succeeded, delivery.Status);
        Assert.Equal(1, delivery.Attempts);
        Assert.Equal(200, delivery.LastStatusCode);
        Assert.NotNull(delivery.DeliveredAt);
    }

    [Fact]
    public async Task A_failing_receiver_gets_retries_with_growing_delays_until_it_answers()
    {
        await using var portal = WorkerPortal.Start();
        await using var receiver = await WebhookReceiver.StartAsync();
        var failuresLeft = 3;
        receiver.Answer = _ => Interlocked.Decrement(ref failuresLeft) >= 0 ? 503 : 200;
        await SubscribeAsync(await portal.ApiClientAsync(), "flaky", receiver, "*");
        await RecordAsync(portal.Services, ("payment.succeeded", "ACC-20001"));

        var delays = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var before = portal.Clock.GetUtcNow().UtcDateTime;
            await DrainAsync(portal.Services);
            var after = portal.Clock.GetUtcNow().UtcDateTime;
            var d = Assert.Single(await DeliveriesAsync(portal, "flaky"));
            Assert.Equal(WebhookDeliveryStatus.Failed, d.Status);
            Assert.Equal(attempt, d.Attempts);
            Assert.Equal(503, d.LastStatusCode);
            Assert.Contains("503", d.LastError, StringComparison.Ordinal);
            Assert.InRange(d.NextAttemptAt, before.AddMilliseconds(-1), after.AddHours(2));
            delays.Add(d.NextAttemptAt - before);

            // Not due yet: another pass sends nothing.
            await DrainAsync(portal.Services);
            Assert.Equal(attempt, receiver.Requests.Count);
            portal.Clock.Advance(d.NextAttemptAt - before + TimeSpan.FromSeconds(1));
        }

        Assert.InRange(delays[0], TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(35));
        Assert.InRange(delays[1], TimeSpan.FromSeconds(59), TimeSpan.FromSeconds(65));
        Assert.InRange(delays[2], TimeSpan.FromSeconds(119), TimeSpan.FromSeconds(125));

        await DrainAsync(portal.Services);

        var done = Assert.Single(await DeliveriesAsync(portal, "flaky"));
        Assert.Equal(WebhookDeliveryStatus.Succeeded, done.Status);
        Assert.Equal(4, done.Attempts);
        Assert.Null(done.LastError);
        Assert.All(receiver.Requests, r => Assert.True(r.SignatureValid));
        Assert.Single(receiver.Processed);
    }

    [Fact]
    public async Task A_delivery_still_failing_after_a_day_is_given_up_and_retry_now_sends_it_again()
    {
        await using var portal = WorkerPortal.Start();
        await using var receiver = await WebhookReceiver.StartAsync();
        var down = true;
        receiver.Answer = _ => down ? 500 : 200;
        await SubscribeAsync(await portal.ApiClientAsync(), "down", receiver, "*");
        await RecordAsync(portal.Services, ("payment.failed", "ACC-30001"));

        WebhookDelivery d;
        var passes = 0;
        do
        {
            await DrainAsync(portal.Services);
            d = Assert.Single(await DeliveriesAsync(portal, "down"));
            portal.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
            passes++;
        }
        while (d.Status == WebhookDeliveryStatus.Failed && passes < 60);

        Assert.Equal(WebhookDeliveryStatus.GaveUp, d.Status);
        Assert.InRange(portal.Clock.GetUtcNow().UtcDateTime - d.CreatedAt, TimeSpan.FromHours(20), TimeSpan.FromHours(26));
        var attempts = receiver.Requests.Count;
        await DrainAsync(portal.Services);
        Assert.Equal(attempts, receiver.Requests.Count);

        down = false;
        var retried = await portal.WithDbAsync(db => DeliveryLog.RetryNowAsync(db, d.SubscriptionId, d.Id, portal.Clock.GetUtcNow().UtcDateTime, CancellationToken.None));
        Assert.Equal(1, retried);
        await DrainAsync(portal.Services);

        Assert.Equal(WebhookDeliveryStatus.Succeeded, Assert.Single(await DeliveriesAsync(portal, "down")).Status);
        Assert.Single(receiver.Processed);
    }

    [Fact]
    public async Task Events_of_one_account_wait_behind_its_failing_delivery_while_other_accounts_go_on()
    {
        await using var portal = WorkerPortal.Start();
        await using var receiver = await WebhookReceiver.StartAsync();
        await SubscribeAsync(await portal.ApiClientAsync(), "ordered", receiver, "*");
        var ids = await RecordAsync(portal.Services,
            ("order.placed", "ACC-10001"), ("order.placed", "ACC-20001"), ("payment.succeeded", "ACC-10001"), ("quote.requested", "ACC-10001"), ("payment.succeeded", "ACC-20001"));
        var firstEventOfBayside = (await portal.WithDbAsync(db => db.IntegrationEvents.SingleAsync(e => e.Id == ids[0]))).EventId.ToString();
        var failures = 2;
        receiver.Answer = r => r.EventId == firstEventOfBayside && Interlocked.Decrement(ref failures) >= 0 ? 500 : 200;

        await DrainAsync(portal.Services);

        // Greenleaf's events went through; Bayside's later events were not even attempted.
        Assert.Equal(["ACC-20001", "ACC-20001"], receiver.Processed.Select(AccountOf));
        Assert.Equal(1, receiver.Requests.Count(r => r.EventId != firstEventOfBayside && AccountOf(JsonDocument.Parse(r.Body).RootElement) == "ACC-10001") + 1);

        for (var i = 0; i < 3; i++)
        {
            portal.Clock.Advance(TimeSpan.FromMinutes(5));
            await DrainAsync(portal.Services);
        }

        var bayside = receiver.Processed.Where(e => AccountOf(e) == "ACC-10001").Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal(["order.placed", "payment.succeeded", "quote.requested"], bayside);
        Assert.Equal(3, receiver.AttemptsFor(firstEventOfBayside));
        Assert.All(await DeliveriesAsync(portal, "ordered"), d => Assert.Equal(WebhookDeliveryStatus.Succeeded, d.Status));
    }

    [Fact]
    public async Task A_restart_between_sending_and_marking_sends_again_and_the_receiver_processes_each_event_once_in_order()
    {
        await using var portal = WorkerPortal.Start();
        await using var receiver = await WebhookReceiver.StartAsync();
        await SubscribeAsync(await portal.ApiClientAsync(), "restart", receiver, "*");
        await RecordAsync(portal.Services,
            ("payment.succeeded", "ACC-10001"), ("order.placed", "ACC-10001"), ("payment.succeeded", "ACC-20001"), ("order.placed", "ACC-20001"));

        // The receiver processes Bayside's first event, then the portal stops before the answer arrives.
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.BeforeAnswering = async r =>
        {
            if (AccountOf(JsonDocument.Parse(r.Body).RootElement) == "ACC-10001")
            {
                received.TrySetResult();
                await release.Task;
            }
        };
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = portal.Get<WebhookDispatcher>().RunOnceAsync(stopping.Token);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        // A graceful stop finishes the delivery in hand; a crash does not: the old run is abandoned, its answer
        // held back until long after its claim changed hands, as a killed instance's would be.
        await stopping.CancelAsync();
        await portal.RestartAsync();
        receiver.BeforeAnswering = _ => Task.CompletedTask;

        // The new instance waits for the old claim to run out (nothing was handed back), then sends that event again.
        await DrainAsync(portal.Services);
        for (var minute = 0; minute < 4; minute++)
        {
            portal.Clock.Advance(TimeSpan.FromMinutes(1));
            await DrainAsync(portal.Services);
        }

        release.TrySetResult();
        // Whatever the dead instance's run does with the late answer, its write is guarded by its own lease.
        await Record.ExceptionAsync(() => run);

        var deliveries = await DeliveriesAsync(portal, "restart");
        Assert.Equal(4, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(WebhookDeliveryStatus.Succeeded, d.Status));
        var processed = receiver.Processed;
        Assert.Equal(4, processed.Select(e => e.GetProperty("id").GetString()).Distinct().Count());
        Assert.Equal(4, processed.Count);
        Assert.True(receiver.Requests.Count > 4, "the interrupted delivery was sent again");
        foreach (var account in new[] { "ACC-10001", "ACC-20001" })
        {
            Assert.Equal(["payment.succeeded", "order.placed"], processed.Where(e => AccountOf(e) == account).Select(e => e.GetProperty("type").GetString()));
        }
    }

    [Fact]
    public async Task Fan_out_across_a_restart_neither_skips_nor_repeats_an_event()
    {
        await using var portal = WorkerPortal.Start();
        await using var receiver = await WebhookReceiver.StartAsync();
        await SubscribeAsync(await portal.ApiClientAsync(), "fanout", receiver, "payment.*", "order.placed");
        var first = await RecordAsync(portal.Services, ("payment.succeeded", "ACC-10001"), ("user.invited", "ACC-10001"), ("order.placed", "ACC-20001"));
        await portal.Get<WebhookDispatcher>().FanOutAsync(Ct);
        await portal.RestartAsync();
        var second = await RecordAsync(portal.Services, ("payment.failed", "ACC-30001"), ("order.placed", "ACC-30001"));
        await portal.Get<WebhookDispatcher>().FanOutAsync(Ct);
        await portal.Get<WebhookDispatcher>().FanOutAsync(Ct);

        var deliveries = await DeliveriesAsync(portal, "fanout");
        Assert.Equal([first[0], first[2], second[0], second[1]], deliveries.Select(d => d.IntegrationEventId));
        var cursor = await portal.WithDbAsync(db => db.WebhookSubscriptions.Where(s => s.Name == "fanout").Select(s => s.LastEventId).SingleAsync());
        Assert.Equal(second[1], cursor);
    }

    [Fact]
    public async Task Two_instances_dispatching_at_once_send_each_event_once()
    {
        await using var portal = WorkerPortal.Start(new Dictionary<string, string?> { ["Webhooks:Parallelism"] = "8" });
        await using var receiver = await WebhookReceiver.StartAsync();
        await SubscribeAsync(await portal.ApiClientAsync(), "twice", receiver, "*");
        var accounts = new[] { "ACC-10001", "ACC-10002", "ACC-10003", "ACC-20001", "ACC-30001", "ACC-40001" };
        await RecordAsync(portal.Services, Enumerable.Range(0, 30).Select(i => ("order.placed", accounts[i % accounts.Length])).ToArray());
        var other = portal.StartSecondInstance();

        await Task.WhenAll(
            Task.Run(() => DrainAsync(portal.Services), Ct),
            Task.Run(() => DrainAsync(other.Services), Ct));
        await DrainAsync(portal.Services);

        Assert.Equal(30, receiver.Requests.Count);
        Assert.Equal(30, receiver.Requests.Select(r => r.EventId).Distinct().Count());
        Assert.Equal(30, (await DeliveriesAsync(portal, "twice")).Count(d => d.Status == WebhookDeliveryStatus.Succeeded && d.Attempts == 1));
    }

    [Fact]
    public async Task An_action_that_rolls_back_leaves_no_event_and_no_delivery()
    {
        await using var portal = WorkerPortal.Start();
        await using var receiver = await WebhookReceiver.StartAsync();
        await SubscribeAsync(await portal.ApiClientAsync(), "rollback", receiver, "*");
        var eventsBefore = await portal.WithDbAsync(db => db.IntegrationEvents.CountAsync());

        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            scope.ServiceProvider.GetRequiredService<IntegrationEvents>().Record("payment.succeeded", null, null, new { amount = 1m });
            await db.SaveChangesAsync(Ct);
            await tx.RollbackAsync(Ct);
        }

        var kept = await RecordAsync(portal.Services, ("order.placed", "ACC-10001"));
        await DrainAsync(portal.Services);

        Assert.Equal(eventsBefore + 1, await portal.WithDbAsync(db => db.IntegrationEvents.CountAsync()));
        Assert.Equal([kept[0]], (await DeliveriesAsync(portal, "rollback")).Select(d => d.IntegrationEventId));
        Assert.Equal(["order.placed"], receiver.Processed.Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task An_inactive_subscription_receives_nothing()
    {
        await using var portal = WorkerPortal.Start();
        await using var receiver = await WebhookReceiver.StartAsync();
        var api = await portal.ApiClientAsync();
        await SubscribeAsync(api, "paused", receiver, "*");
        var response = await System.Net.Http.Json.HttpClientJsonExtensions.PutAsJsonAsync(api, "/api/v1/webhooks/paused", new { url = receiver.Url, eventTypes = new[] { "*" }, active = false }, Ct);
        response.EnsureSuccessStatusCode();
        await RecordAsync(portal.Services, ("order.placed", "ACC-10001"));

        await DrainAsync(portal.Services);

        Assert.Empty(receiver.Requests);
        Assert.Empty(await DeliveriesAsync(portal, "paused"));
    }

    private static string? AccountOf(JsonElement e) => e.GetProperty("account").GetProperty("id").GetString();
}
