using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Payments;
using Portal.Infrastructure.Payments;
using Portal.Infrastructure.Payments.Stripe;
using Portal.Tests.Features.Payments;
using Stripe;
using static Portal.Tests.Features.Payments.PayTestData;

namespace Portal.Tests.Infrastructure.Payments;

/// <summary>
/// The Stripe adapter, end to end through the portal's own payment code, with Stripe.net talking to
/// <see cref="FakeStripeApi"/> over its HTTP client: the portal beside the shared one, on the same
/// database, with <c>Payments:Gateway=Stripe</c>.
/// </summary>
public sealed class StripeGatewayTests(PortalFactory portal)
{
    private const string SecretKey = "sk_test_portal";
    private const string WebhookSecret = "whsec_portal_test";
    private const string Visa = "4242424242424242";
    private const string ThreeDSecure = "4000002500003155";
    private const string AlwaysAuthenticate = "4000002760003184";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Adding_a_card_goes_through_Checkout_in_setup_mode_and_saves_the_setup_intents_payment_method_once()
    {
        await using var stripe = StripePortal.Start(portal);
        var account = await AccountAsync(portal, 100m);
        var client = await stripe.LoginAsync(account.Account.Email);

        var start = await PortalFactory.PostFormAsync(client, "/settings/payment-methods?handler=Add", new Dictionary<string, string>(), "/settings/payment-methods");

        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var location = start.Headers.Location!.OriginalString;
        Assert.StartsWith("https://checkout.stripe.com/c/pay/cs_test_", location, StringComparison.Ordinal);
        var sessionId = location[(location.LastIndexOf('/') + 1)..];
        var customerCall = Assert.Single(stripe.Api.Requests, r => r.Path == "/v1/customers");
        Assert.Equal(account.Account.Number, customerCall.Form["metadata[portal_account]"]);
        Assert.Equal("portal-customer-" + account.Account.Number, customerCall.IdempotencyKey);
        var sessionCall = Assert.Single(stripe.Api.Requests, r => r.Path == "/v1/checkout/sessions");
        Assert.Equal("setup", sessionCall.Form["mode"]);
        Assert.Equal("http://localhost/settings/payment-methods?setup={CHECKOUT_SESSION_ID}", sessionCall.Form["success_url"]);
        Assert.Equal("card", sessionCall.Form["allowed_payment_method_types[0]"]);
        var customer = await portal.WithDbAsync(db => db.StripeCustomers.AsNoTracking().SingleAsync(c => c.AccountId == account.Account.Id, Ct));
        Assert.Equal(customer.CustomerId, sessionCall.Form["customer"]);

        // Before the customer finishes on Stripe's page there is nothing to save.
        Assert.Null(await stripe.Gateway.ReadSetupAsync(account.Account.Number, sessionId, Ct));

        var methodId = stripe.Api.CompleteSetup(sessionId, Visa, 11, 2033, "Ada Payer");
        var back = await client.GetAsync("/settings/payment-methods?setup=" + sessionId, Ct);
        var again = await client.GetAsync("/settings/payment-methods?setup=" + sessionId, Ct);

        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        var saved = Assert.Single(await portal.WithDbAsync(db => db.SavedPaymentMethods.AsNoTracking().Where(m => m.AccountId == account.Account.Id).ToListAsync(Ct)));
        Assert.Equal(("Stripe", methodId, "Visa", "4242", 11, 2033, "Ada Payer", true),
            (saved.Gateway, saved.Token, saved.Brand, saved.Last4, saved.ExpiryMonth, saved.ExpiryYear, saved.Holder, saved.IsDefault));
    }

    [Fact]
    public async Task Another_accounts_setup_session_is_not_read_back()
    {
        await using var stripe = StripePortal.Start(portal);
        var mine = await AccountAsync(portal, 10m);
        var theirs = await AccountAsync(portal, 10m);
        var setup = await stripe.Gateway.StartSetupAsync(mine.Account.Number, [GatewayMethodKind.Card], "/settings/payment-methods", Ct);
        await stripe.Gateway.StartSetupAsync(theirs.Account.Number, [GatewayMethodKind.Card], "/settings/payment-methods", Ct);
        var sessionId = setup.RedirectUrl[(setup.RedirectUrl.LastIndexOf('/') + 1)..];
        stripe.Api.CompleteSetup(sessionId, Visa, 1, 2031, "Mine");

        Assert.Null(await stripe.Gateway.ReadSetupAsync(theirs.Account.Number, sessionId, Ct));
        Assert.Null(await stripe.Gateway.ReadSetupAsync(mine.Account.Number, "cs_test_unknown", Ct));
        Assert.Equal("4242", (await stripe.Gateway.ReadSetupAsync(mine.Account.Number, sessionId, Ct))?.Last4);
    }

    [Fact]
    public async Task An_off_session_charge_sends_minor_units_with_the_attempt_id_as_idempotency_key_and_metadata_and_succeeds()
    {
        await using var stripe = StripePortal.Start(portal);
        var account = await AccountAsync(portal, 123.45m);
        var card = await stripe.CardAsync(account, Visa);

        var (start, state) = await PayAsync(stripe.Services, Plan(account, card, null, (account.Invoices[0], 123.45m)) with { Origin = AttemptOrigin.Autopay });

        Assert.Equal(AttemptState.Succeeded, state);
        var id = ((AttemptStart.Created)start).Attempt.Id.ToString("N");
        var call = Assert.Single(stripe.Api.Requests, r => r is { Method: "POST", Path: "/v1/payment_intents" });
        Assert.Equal(id, call.IdempotencyKey);
        Assert.Equal(("12345", "usd", "true", "true", id), (call.Form["amount"], call.Form["currency"], call.Form["confirm"], call.Form["off_session"], call.Form["metadata[portal_attempt]"]));
        var intent = Assert.Single(stripe.Api.Intents);
        Assert.Equal(12345L, (long)intent["amount"]!);
        Assert.Equal(new InvoiceFigures(123.45m, 0m, 0m, 123.45m), await InvoiceAsync(portal, account.Invoices[0]));
        Assert.Equal((string)intent["id"]!, await portal.WithDbAsync(db => db.PaymentAttempts.Where(a => a.Id == Guid.Parse(id)).Select(a => a.GatewayReference).SingleAsync(Ct)));
    }

    [Theory]
    [InlineData("4000000000009995", false, "insufficient_funds", true)]
    [InlineData("4000000000000002", false, "generic_decline", true)]
    [InlineData("4000000000000069", false, "expired_card", false)]
    [InlineData(AlwaysAuthenticate, true, "authentication_required", false)]
    public async Task A_decline_fails_the_attempt_with_Stripes_code_and_releases_the_reservation(string number, bool offSession, string code, bool soft)
    {
        await using var stripe = StripePortal.Start(portal);
        var account = await AccountAsync(portal, 50m);
        var card = await stripe.CardAsync(account, number);

        var (start, state) = await PayAsync(stripe.Services, Plan(account, card, null, (account.Invoices[0], 50m)) with
        {
            Origin = offSession ? AttemptOrigin.Autopay : AttemptOrigin.Customer,
        });

        Assert.Equal(AttemptState.Failed, state);
        var attempt = await portal.WithDbAsync(db => db.PaymentAttempts.AsNoTracking().SingleAsync(a => a.Id == ((AttemptStart.Created)start).Attempt.Id, Ct));
        Assert.Equal(code, attempt.DeclineCode);
        Assert.Equal(soft, new ChargeResult(ChargeStatus.Declined, DeclineCode: attempt.DeclineCode).SoftDecline);
        Assert.Equal(new InvoiceFigures(50m, 50m, 0m, 0m), await InvoiceAsync(portal, account.Invoices[0]));
        Assert.Single(stripe.Api.Requests, r => r is { Method: "POST", Path: "/v1/payment_intents" });
    }

    [Fact]
    public async Task Three_D_Secure_sends_the_customer_to_the_intents_redirect_and_the_return_asks_Stripe_and_records_it()
    {
        await using var stripe = StripePortal.Start(portal);
        var account = await AccountAsync(portal, 70m);
        var card = await stripe.CardAsync(account, ThreeDSecure);

        var (start, state) = await PayAsync(stripe.Services, Plan(account, card, null, (account.Invoices[0], 70m)));

        Assert.Equal(AttemptState.RequiresAction, state);
        var id = ((AttemptStart.Created)start).Attempt.Id;
        var intent = Assert.Single(stripe.Api.Intents);
        var attempt = await portal.WithDbAsync(db => db.PaymentAttempts.AsNoTracking().SingleAsync(a => a.Id == id, Ct));
        Assert.Equal((string)intent["next_action"]!["redirect_to_url"]!["url"]!, attempt.ActionUrl);
        var call = Assert.Single(stripe.Api.Requests, r => r is { Method: "POST", Path: "/v1/payment_intents" });
        Assert.Equal("http://localhost/pay/done/" + id.ToString("N"), call.Form["return_url"]);
        Assert.Equal("false", call.Form["off_session"]);
        Assert.Equal(new InvoiceFigures(70m, 70m, 70m, 0m), await InvoiceAsync(portal, account.Invoices[0]));

        // The cardholder confirms at the issuer; Stripe sends them back to the portal's outcome page.
        stripe.Api.CompleteAction((string)intent["id"]!, confirmed: true);
        var client = await stripe.LoginAsync(account.Account.Email);
        var done = await client.GetAsync("/pay/done/" + id.ToString("N"), Ct);

        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(AttemptState.Succeeded, await StateAsync(id));
        Assert.Equal(new InvoiceFigures(70m, 0m, 0m, 70m), await InvoiceAsync(portal, account.Invoices[0]));
        Assert.Single(stripe.Api.Intents);
    }

    [Fact]
    public async Task A_409_while_the_same_key_is_in_flight_is_an_unknown_outcome_then_reconciled_to_one_charge()
    {
        await using var stripe = StripePortal.Start(portal);
        var account = await AccountAsync(portal, 40m);
        var card = await stripe.CardAsync(account, Visa);
        var attempt = await stripe.StartAsync(Plan(account, card, null, (account.Invoices[0], 40m)));
        var key = attempt.Id.ToString("N");

        // An earlier request with this key (a process that died, a retry) is still running at Stripe.
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        stripe.Api.HoldCharge = async k =>
        {
            if (k == key && arrived.TrySetResult())
            {
                await release.Task;
            }
        };
        var earlier = Task.Run(() => stripe.Gateway.ChargeAsync(
            new ChargeRequest(key, account.Account.Number, attempt.MethodToken, 4000, "USD", false, "/pay/done/" + key), Ct), Ct);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var state = await stripe.ChargeAsync(attempt.Id);

        Assert.Equal(AttemptState.Pending, state);
        Assert.Contains("409", await portal.WithDbAsync(db => db.PaymentAttempts.Where(a => a.Id == attempt.Id).Select(a => a.LastCheckError).SingleAsync(Ct)), StringComparison.Ordinal);
        Assert.Equal(new InvoiceFigures(40m, 40m, 40m, 0m), await InvoiceAsync(portal, account.Invoices[0]));

        release.SetResult();
        Assert.Equal(ChargeStatus.Succeeded, (await earlier).Status);
        await ReconcileNowAsync(stripe.Services, attempt.Id);
        await ReconcileNowAsync(stripe.Services, attempt.Id);

        Assert.Equal(AttemptState.Succeeded, await StateAsync(attempt.Id));
        Assert.Equal(new InvoiceFigures(40m, 0m, 0m, 40m), await InvoiceAsync(portal, account.Invoices[0]));
        Assert.Single(stripe.Api.Intents);
        Assert.All(stripe.Api.Requests.Where(r => r is { Method: "POST", Path: "/v1/payment_intents" }), r => Assert.Equal(key, r.IdempotencyKey));
    }

    [Fact]
    public async Task A_timeout_after_Stripe_charged_is_reconciled_to_succeeded_and_allocated_once()
    {
        await using var stripe = StripePortal.Start(portal);
        var account = await AccountAsync(portal, 80m);
        var card = await stripe.CardAsync(account, Visa);
        var attempt = await stripe.StartAsync(Plan(account, card, null, (account.Invoices[0], 80m)));
        stripe.Api.TimeOutAfterCharging.Add(attempt.Id.ToString("N"));

        var state = await stripe.ChargeAsync(attempt.Id);

        // Unknown, not failed: the reservation stays held while the reconciler asks.
        Assert.Equal(AttemptState.Pending, state);
        Assert.Equal(new InvoiceFigures(80m, 80m, 80m, 0m), await InvoiceAsync(portal, account.Invoices[0]));

        await Task.WhenAll(ReconcileNowAsync(stripe.Services, attempt.Id), ReconcileNowAsync(stripe.Services, attempt.Id));
        await ReconcileNowAsync(stripe.Services, attempt.Id);

        Assert.Equal(AttemptState.Succeeded, await StateAsync(attempt.Id));
        Assert.Equal(new InvoiceFigures(80m, 0m, 0m, 80m), await InvoiceAsync(portal, account.Invoices[0]));
        var intent = Assert.Single(stripe.Api.Intents);
        Assert.Equal((string)intent["id"]!, await portal.WithDbAsync(db => db.PaymentAttempts.Where(a => a.Id == attempt.Id).Select(a => a.GatewayReference).SingleAsync(Ct)));
        Assert.Single(stripe.Api.Requests, r => r is { Method: "POST", Path: "/v1/payment_intents" });
        Assert.Contains(stripe.Api.Requests, r => r is { Method: "GET", Path: "/v1/payment_intents" } && r.Form.ContainsKey("customer"));
        Assert.Equal(1, await portal.WithDbAsync(db => db.IntegrationEvents.CountAsync(e => e.AccountId == account.Account.Id && e.Type == "payment.succeeded", Ct)));
    }

    [Fact]
    public async Task Stripe_nets_own_resend_after_a_lost_answer_carries_our_key_and_gets_the_first_charge_back()
    {
        await using var stripe = StripePortal.Start(portal, retries: 2);
        var account = await AccountAsync(portal, 25m);
        var card = await stripe.CardAsync(account, Visa);
        var attempt = await stripe.StartAsync(Plan(account, card, null, (account.Invoices[0], 25m)));
        var key = attempt.Id.ToString("N");
        stripe.Api.TimeOutAfterCharging.Add(key);

        var state = await stripe.ChargeAsync(attempt.Id);

        Assert.Equal(AttemptState.Succeeded, state);
        var posts = stripe.Api.Requests.Where(r => r is { Method: "POST", Path: "/v1/payment_intents" }).ToList();
        Assert.Equal(2, posts.Count);
        Assert.All(posts, r => Assert.Equal(key, r.IdempotencyKey));
        Assert.Single(stripe.Api.Intents);
        Assert.Equal(new InvoiceFigures(25m, 0m, 0m, 25m), await InvoiceAsync(portal, account.Invoices[0]));
    }

    [Fact]
    public async Task A_webhook_about_an_intent_that_is_not_ours_is_acknowledged_and_changes_nothing()
    {
        await using var stripe = StripePortal.Start(portal);
        var foreign = new JsonObject
        {
            ["id"] = "pi_elsewhere",
            ["object"] = "payment_intent",
            ["status"] = "succeeded",
            ["amount"] = 100,
            ["metadata"] = new JsonObject { ["portal_attempt"] = Guid.NewGuid().ToString("N") },
        };
        var payload = Event("payment_intent.succeeded", foreign);

        var response = await PostEventAsync(stripe.Factory.CreateClient(), payload, Sign(payload, WebhookSecret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(stripe.Api.Requests, r => r.Path.StartsWith("/v1/payment_intents", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_charge_that_never_reached_Stripe_is_reconciled_to_failed_and_the_reservation_released()
    {
        await using var stripe = StripePortal.Start(portal);
        var account = await AccountAsync(portal, 30m);
        var card = await stripe.CardAsync(account, Visa);
        var attempt = await stripe.StartAsync(Plan(account, card, null, (account.Invoices[0], 30m)));
        stripe.Api.HoldCharge = _ => throw new HttpRequestException("Connection refused (stripe.test:443)");

        Assert.Equal(AttemptState.Pending, await stripe.ChargeAsync(attempt.Id));
        stripe.Api.HoldCharge = null;
        await ReconcileNowAsync(stripe.Services, attempt.Id);

        Assert.Equal(AttemptState.Failed, await StateAsync(attempt.Id));
        Assert.Equal(new InvoiceFigures(30m, 30m, 0m, 0m), await InvoiceAsync(portal, account.Invoices[0]));
        Assert.Empty(stripe.Api.Intents);
    }

    [Fact]
    public async Task The_same_key_with_other_parameters_is_refused_by_Stripe_and_charges_nothing_more()
    {
        await using var stripe = StripePortal.Start(portal);
        var account = await AccountAsync(portal, 20m);
        var card = await stripe.CardAsync(account, Visa);
        var attempt = await stripe.StartAsync(Plan(account, card, null, (account.Invoices[0], 20m)));
        var key = attempt.Id.ToString("N");
        var request = new ChargeRequest(key, account.Account.Number, attempt.MethodToken, 2000, "USD", true, "/pay/done/" + key);

        var first = await stripe.Gateway.ChargeAsync(request, Ct);
        var replay = await stripe.Gateway.ChargeAsync(request, Ct);
        var other = await Assert.ThrowsAsync<GatewayRequestRefusedException>(() => stripe.Gateway.ChargeAsync(request with { AmountMinor = 2100 }, Ct));

        Assert.Equal((ChargeStatus.Succeeded, first.Reference), (replay.Status, replay.Reference));
        Assert.Equal("idempotency_error", other.Code);
        Assert.Single(stripe.Api.Intents);
    }

    [Fact]
    public async Task A_webhook_with_a_good_signature_is_a_hint_the_intent_is_fetched_again_and_recorded()
    {
        await using var stripe = StripePortal.Start(portal);
        var account = await AccountAsync(portal, 60m);
        var card = await stripe.CardAsync(account, ThreeDSecure);
        var (start, state) = await PayAsync(stripe.Services, Plan(account, card, null, (account.Invoices[0], 60m)));
        Assert.Equal(AttemptState.RequiresAction, state);
        var id = ((AttemptStart.Created)start).Attempt.Id;
        var stale = Assert.Single(stripe.Api.Intents);
        stripe.Api.CompleteAction((string)stale["id"]!, confirmed: true);

        // The event carries the intent as it was (requires_action, even a failure type): only Stripe's answer counts.
        var payload = Event("payment_intent.payment_failed", stale);
        var client = stripe.Factory.CreateClient();
        var forged = await PostEventAsync(client, payload, Sign(payload, "whsec_someone_else"));
        var tampered = await PostEventAsync(client, payload.Replace("\"amount\":6000", "\"amount\":1", StringComparison.Ordinal), Sign(payload, WebhookSecret));
        var unsigned = await PostEventAsync(client, payload, null);

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest], new[] { forged.StatusCode, tampered.StatusCode, unsigned.StatusCode });
        Assert.Contains("Stripe-Signature", await forged.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(AttemptState.RequiresAction, await StateAsync(id));

        var good = await PostEventAsync(client, payload, Sign(payload, WebhookSecret));
        var again = await PostEventAsync(client, payload, Sign(payload, WebhookSecret));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (good.StatusCode, again.StatusCode));
        Assert.Equal(AttemptState.Succeeded, await StateAsync(id));
        Assert.Equal(new InvoiceFigures(60m, 0m, 0m, 60m), await InvoiceAsync(portal, account.Invoices[0]));
        Assert.Equal(1, await portal.WithDbAsync(db => db.IntegrationEvents.CountAsync(e => e.AccountId == account.Account.Id && e.Type == "payment.succeeded", Ct)));
    }

    [Fact]
    public async Task The_webhook_is_not_there_when_the_test_gateway_is_live()
    {
        var payload = Event("payment_intent.succeeded", new JsonObject { ["id"] = "pi_x", ["object"] = "payment_intent", ["status"] = "succeeded" });

        var response = await PostEventAsync(portal.CreateClient(), payload, Sign(payload, WebhookSecret));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Deleting_a_method_detaches_it_at_Stripe_and_deleting_it_again_is_harmless()
    {
        await using var stripe = StripePortal.Start(portal);
        var account = await AccountAsync(portal, 10m);
        var card = await stripe.CardAsync(account, Visa);
        var token = await portal.WithDbAsync(db => db.SavedPaymentMethods.Where(m => m.Id == card).Select(m => m.Token).SingleAsync(Ct));

        await stripe.Gateway.DeleteMethodAsync(token, Ct);
        await stripe.Gateway.DeleteMethodAsync(token, Ct);

        Assert.Equal(2, stripe.Api.Requests.Count(r => r.Method == "POST" && r.Path == $"/v1/payment_methods/{token}/detach"));
        var charge = await Assert.ThrowsAsync<GatewayRequestRefusedException>(() => stripe.Gateway.ChargeAsync(
            new ChargeRequest(Guid.NewGuid().ToString("N"), account.Account.Number, token, 100, "USD", true, "/"), Ct));
        Assert.Equal("resource_missing", charge.Code);
    }

    [Fact]
    public async Task The_operator_settings_show_which_gateway_is_live_and_never_its_keys()
    {
        await using var stripe = StripePortal.Start(portal);
        var testHtml = WebUtility.HtmlDecode(await (await portal.LoginAsync(DemoData.StaffEmail)).GetStringAsync("/admin/settings", Ct));
        var stripeHtml = WebUtility.HtmlDecode(await (await stripe.LoginAsync(DemoData.StaffEmail)).GetStringAsync("/admin/settings", Ct));

        Assert.Contains("Payment gateway in use: Test", testHtml, StringComparison.Ordinal);
        Assert.Contains("Payment gateway in use: Stripe", stripeHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, stripeHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(WebhookSecret, stripeHtml, StringComparison.Ordinal);
    }

    private Task<AttemptState> StateAsync(Guid id) =>
        portal.WithDbAsync(db => db.PaymentAttempts.Where(a => a.Id == id).Select(a => a.State).SingleAsync(Ct));

    private static string Event(string type, JsonObject intent) => new JsonObject
    {
        ["id"] = "evt_" + Guid.NewGuid().ToString("N")[..16],
        ["object"] = "event",
        ["api_version"] = "2024-06-20",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["type"] = type,
        ["data"] = new JsonObject { ["object"] = intent.DeepClone() },
    }.ToJsonString();

    /// <summary>Stripe's signature scheme, written out: v1 = HMAC-SHA256(secret, "{t}.{payload}").</summary>
    private static string Sign(string payload, string secret)
    {
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(t + "." + payload));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    private static async Task<HttpResponseMessage> PostEventAsync(HttpClient client, string payload, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, StripeWebhookEndpoint.Path) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.Add("Stripe-Signature", signature);
        }

        return await client.SendAsync(request, Ct);
    }

    /// <summary>A portal on the shared database with Stripe live, its Stripe.net client over a <see cref="FakeStripeApi"/>.</summary>
    private sealed class StripePortal : IAsyncDisposable
    {
        private StripePortal(WebApplicationFactory<Program> factory, FakeStripeApi api)
        {
            Factory = factory;
            Api = api;
        }

        public WebApplicationFactory<Program> Factory { get; }

        public FakeStripeApi Api { get; }

        public IServiceProvider Services => Factory.Services;

        public IPaymentGateway Gateway => Services.GetRequiredService<IPaymentGateway>();

        /// <summary>No network retries unless asked: each test decides what the one request meets.</summary>
        public static StripePortal Start(PortalFactory portal, int retries = 0)
        {
            var api = new FakeStripeApi(SecretKey);
            var client = new StripeClient(new StripeClientOptions
            {
                ApiKey = SecretKey,
                ApiBase = FakeStripeApi.Base,
                HttpClient = new SystemNetHttpClient(new HttpClient(api), maxNetworkRetries: retries),
            });
            var factory = portal.WithWebHostBuilder(b =>
            {
                b.UseSetting("Payments:Gateway", "Stripe");
                b.UseSetting("Payments:Stripe:SecretKey", SecretKey);
                b.UseSetting("Payments:Stripe:WebhookSecret", WebhookSecret);
                b.ConfigureTestServices(s => s.AddSingleton<IStripeClient>(client));
            });
            return new StripePortal(factory, api);
        }

        public async Task<HttpClient> LoginAsync(string email)
        {
            var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
            var response = await PortalFactory.PostFormAsync(client, "/login", new Dictionary<string, string>
            {
                ["Input.Login"] = email,
                ["Input.Password"] = DemoData.Password,
            });
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            return client;
        }

        /// <summary>A card entered on Checkout for the account and saved in the portal, as the setup's return does.</summary>
        public async Task<long> CardAsync(PayAccount account, string number)
        {
            var setup = await Gateway.StartSetupAsync(account.Account.Number, [GatewayMethodKind.Card], "/settings/payment-methods", Ct);
            var sessionId = setup.RedirectUrl[(setup.RedirectUrl.LastIndexOf('/') + 1)..];
            Api.CompleteSetup(sessionId, number, 12, 2034, "Test Holder");
            var method = await Gateway.ReadSetupAsync(account.Account.Number, sessionId, Ct);
            Assert.NotNull(method);
            await using var scope = Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
            var saved = new SavedPaymentMethod
            {
                AccountId = account.Account.Id,
                Gateway = StripeGateway.GatewayName,
                Token = method.Token,
                Kind = PaymentMethodKind.Card,
                Brand = method.Brand,
                Last4 = method.Last4,
                ExpiryMonth = method.ExpiryMonth,
                ExpiryYear = method.ExpiryYear,
                Holder = method.Holder,
                CreatedAt = DateTime.UtcNow,
            };
            db.SavedPaymentMethods.Add(saved);
            await db.SaveChangesAsync(Ct);
            return saved.Id;
        }

        public async Task<PaymentAttempt> StartAsync(PaymentPlan plan)
        {
            await using var scope = Services.CreateAsyncScope();
            var start = await scope.ServiceProvider.GetRequiredService<PaymentAttempts>().StartAsync(plan, Ct);
            return Assert.IsType<AttemptStart.Created>(start).Attempt;
        }

        public async Task<AttemptState> ChargeAsync(Guid attemptId)
        {
            await using var scope = Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<PaymentAttempts>().ChargeAsync(attemptId, Ct);
        }

        public ValueTask DisposeAsync() => Factory.DisposeAsync();
    }
}
