using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Payments;
using Portal.Infrastructure.Payments;
using Portal.Infrastructure.Payments.TestGateway;
using Portal.Tests.Infrastructure;
using static Portal.Tests.Features.Payments.PayTestData;

namespace Portal.Tests.Features.Payments;

/// <summary>The money rules of paying in the portal, on the service that the confirm handler and autopay use.</summary>
public sealed class PaymentAttemptsTests(PortalFactory portal)
{
    private IServiceProvider Services => portal.Services;

    [Fact]
    public async Task Fifty_simultaneous_confirms_of_one_review_page_charge_the_gateway_once()
    {
        var counter = new CountingGateway();
        await using var counting = Counting(portal, counter);
        var account = await AccountAsync(portal, 100m);
        var card = await CardAsync(counting.Services, account, Succeeds);
        var plan = Plan(account, card, "review-" + Guid.NewGuid().ToString("N"), (account.Invoices[0], 100m));

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => PayAsync(counting.Services, plan))));

        Assert.Equal(1, counter.Charges);
        Assert.Single(results, r => r.Start is AttemptStart.Created);
        Assert.All(results, r => Assert.IsNotType<AttemptStart.Refused>(r.Start));
        var ids = results.Select(r => r.Start switch
        {
            AttemptStart.Created c => c.Attempt.Id,
            AttemptStart.Replayed p => p.Attempt.Id,
            _ => Guid.Empty,
        }).Distinct().ToList();
        Assert.Single(ids);
        var invoice = await InvoiceAsync(portal, account.Invoices[0]);
        Assert.Equal(new InvoiceFigures(100m, 0m, 0m, 100m), invoice);
        Assert.Equal(1, await portal.WithDbAsync(db => db.PaymentAttempts.CountAsync(a => a.AccountId == account.Account.Id)));
    }

    [Fact]
    public async Task The_same_confirm_key_with_another_amount_is_refused_and_charges_nothing()
    {
        var counter = new CountingGateway();
        await using var counting = Counting(portal, counter);
        var account = await AccountAsync(portal, 100m);
        var card = await CardAsync(counting.Services, account, Succeeds);
        var key = "review-" + Guid.NewGuid().ToString("N");

        var first = await PayAsync(counting.Services, Plan(account, card, key, (account.Invoices[0], 40m)));
        var other = await PayAsync(counting.Services, Plan(account, card, key, (account.Invoices[0], 60m)));
        var replay = await PayAsync(counting.Services, Plan(account, card, key, (account.Invoices[0], 40m)));

        Assert.Equal(AttemptState.Succeeded, first.State);
        Assert.IsType<AttemptStart.Refused>(other.Start);
        Assert.IsType<AttemptStart.Replayed>(replay.Start);
        Assert.Equal(1, counter.Charges);
        Assert.Equal(60m, (await InvoiceAsync(portal, account.Invoices[0])).Open);
    }

    [Fact]
    public async Task Two_users_paying_the_same_invoice_at_once_never_overpay_it()
    {
        var account = await AccountAsync(portal, 100m);
        var card = await CardAsync(Services, account, Succeeds);

        // Twenty payers, each with a review page of their own (their own key), each paying it all.
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() =>
            PayAsync(Services, Plan(account, card, null, (account.Invoices[0], 100m))))));

        Assert.Single(results, r => r.State == AttemptState.Succeeded);
        Assert.All(results.Where(r => r.State != AttemptState.Succeeded), r => Assert.IsType<AttemptStart.Refused>(r.Start));
        Assert.Equal(new InvoiceFigures(100m, 0m, 0m, 100m), await InvoiceAsync(portal, account.Invoices[0]));
    }

    [Fact]
    public async Task Partial_payments_racing_take_at_most_what_is_open()
    {
        var account = await AccountAsync(portal, 100m);
        var card = await CardAsync(Services, account, Succeeds);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            PayAsync(Services, Plan(account, card, null, (account.Invoices[0], 30m))))));

        Assert.Equal(3, results.Count(r => r.State == AttemptState.Succeeded));
        Assert.Equal(new InvoiceFigures(100m, 10m, 0m, 90m), await InvoiceAsync(portal, account.Invoices[0]));
    }

    [Fact]
    public async Task A_decline_releases_the_reservation_and_records_a_failed_payment_and_event()
    {
        var account = await AccountAsync(portal, 100m);
        var card = await CardAsync(Services, account, InsufficientFunds);

        var (start, state) = await PayAsync(Services, Plan(account, card, null, (account.Invoices[0], 100m)));

        Assert.Equal(AttemptState.Failed, state);
        Assert.Equal(new InvoiceFigures(100m, 100m, 0m, 0m), await InvoiceAsync(portal, account.Invoices[0]));
        var id = ((AttemptStart.Created)start).Attempt.Id;
        var (payment, failedEvents) = await portal.WithDbAsync(async db => (
            await db.Payments.AsNoTracking().SingleAsync(p => p.AttemptId == id),
            await db.IntegrationEvents.CountAsync(e => e.AccountId == account.Account.Id && e.Type == "payment.failed")));
        Assert.Equal(PaymentStatus.Failed, payment.Status);
        Assert.Equal("The card has insufficient funds.", payment.FailureReason);
        Assert.Equal(1, failedEvents);
    }

    [Fact]
    public async Task A_success_allocates_sends_the_event_and_the_receipt_in_the_same_transaction()
    {
        var account = await AccountAsync(portal, 100m, 50m);
        var card = await CardAsync(Services, account, Succeeds);

        var (start, state) = await PayAsync(Services, Plan(account, card, null, (account.Invoices[0], 100m), (account.Invoices[1], 20m)) with { UserId = await UserIdAsync(account) });

        Assert.Equal(AttemptState.Succeeded, state);
        var id = ((AttemptStart.Created)start).Attempt.Id;
        var facts = await portal.WithDbAsync(async db => new
        {
            Payment = await db.Payments.AsNoTracking().Include(p => p.Allocations).SingleAsync(p => p.AttemptId == id),
            Events = await db.IntegrationEvents.Where(e => e.AccountId == account.Account.Id && e.Type == "payment.succeeded").Select(e => e.Payload).ToListAsync(),
            Mails = await db.EmailMessages.CountAsync(m => m.AccountId == account.Account.Id && m.Kind == "payment-receipt"),
        });
        Assert.Equal(PaymentStatus.Succeeded, facts.Payment.Status);
        Assert.Equal(120m, facts.Payment.Amount);
        Assert.Equal(0m, facts.Payment.UnappliedAmount);
        Assert.Equal(2, facts.Payment.Allocations.Count);
        Assert.Single(facts.Events);
        Assert.Contains(facts.Payment.Number, facts.Events[0], StringComparison.Ordinal);
        Assert.Equal(1, facts.Mails);
        Assert.Equal(30m, (await InvoiceAsync(portal, account.Invoices[1])).Open);
    }

    [Fact]
    public async Task A_crash_between_the_charge_and_the_commit_is_reconciled_once()
    {
        var account = await AccountAsync(portal, 100m);
        var card = await CardAsync(Services, account, Succeeds);
        await using var scope = Services.CreateAsyncScope();
        var start = await scope.ServiceProvider.GetRequiredService<PaymentAttempts>().StartAsync(Plan(account, card, null, (account.Invoices[0], 100m)), CancellationToken.None);
        var attempt = ((AttemptStart.Created)start).Attempt;
        // The gateway charged; the process died before recording it.
        var charged = await Services.GetRequiredService<IPaymentGateway>().ChargeAsync(
            new ChargeRequest(attempt.Id.ToString("N"), account.Account.Number, attempt.MethodToken, 10000, "USD", false, "/"), CancellationToken.None);
        Assert.Equal(ChargeStatus.Succeeded, charged.Status);
        Assert.Equal(new InvoiceFigures(100m, 100m, 100m, 0m), await InvoiceAsync(portal, account.Invoices[0]));

        // Two instances' reconcilers at once, then again: one allocation.
        await Task.WhenAll(ReconcileNowAsync(Services, attempt.Id), ReconcileNowAsync(Services, attempt.Id));
        await ReconcileNowAsync(Services, attempt.Id);

        Assert.Equal(new InvoiceFigures(100m, 0m, 0m, 100m), await InvoiceAsync(portal, account.Invoices[0]));
        var stored = await portal.WithDbAsync(db => db.PaymentAttempts.AsNoTracking().SingleAsync(a => a.Id == attempt.Id));
        Assert.Equal(AttemptState.Succeeded, stored.State);
        Assert.Equal(charged.Reference, stored.GatewayReference);
        Assert.Equal(1, await portal.WithDbAsync(db => db.IntegrationEvents.CountAsync(e => e.AccountId == account.Account.Id && e.Type == "payment.succeeded")));
    }

    [Fact]
    public async Task The_timeout_card_that_charged_is_reconciled_to_succeeded_and_allocated_once()
    {
        var account = await AccountAsync(portal, 80m);
        var card = await CardAsync(Services, account, TimeoutCharged);

        var (start, state) = await PayAsync(Services, Plan(account, card, null, (account.Invoices[0], 80m)));
        Assert.Equal(AttemptState.Pending, state);
        // Unknown is not failed: the reservation stays held, so nobody else can pay it meanwhile.
        Assert.Equal(new InvoiceFigures(80m, 80m, 80m, 0m), await InvoiceAsync(portal, account.Invoices[0]));
        var other = await PayAsync(Services, Plan(account, await CardAsync(Services, account, Succeeds), null, (account.Invoices[0], 80m)));
        Assert.IsType<AttemptStart.Refused>(other.Start);

        var id = ((AttemptStart.Created)start).Attempt.Id;
        await ReconcileNowAsync(Services, id);
        await ReconcileNowAsync(Services, id);

        Assert.Equal(new InvoiceFigures(80m, 0m, 0m, 80m), await InvoiceAsync(portal, account.Invoices[0]));
        Assert.Equal(AttemptState.Succeeded, await StateAsync(id));
    }

    [Fact]
    public async Task The_timeout_card_that_did_not_charge_is_reconciled_to_failed_and_the_reservation_released()
    {
        var account = await AccountAsync(portal, 80m);
        var card = await CardAsync(Services, account, TimeoutNothing);

        var (start, state) = await PayAsync(Services, Plan(account, card, null, (account.Invoices[0], 80m)));
        Assert.Equal(AttemptState.Pending, state);
        var id = ((AttemptStart.Created)start).Attempt.Id;
        await ReconcileNowAsync(Services, id);

        Assert.Equal(AttemptState.Failed, await StateAsync(id));
        Assert.Equal(new InvoiceFigures(80m, 80m, 0m, 0m), await InvoiceAsync(portal, account.Invoices[0]));
    }

    [Fact]
    public async Task Money_for_an_invoice_paid_meanwhile_by_the_billing_system_stays_unapplied_and_is_reported()
    {
        var account = await AccountAsync(portal, 80m);
        var card = await CardAsync(Services, account, TimeoutCharged);
        var (start, _) = await PayAsync(Services, Plan(account, card, null, (account.Invoices[0], 80m)));
        var id = ((AttemptStart.Created)start).Attempt.Id;

        // Meanwhile a check arrives through the billing system and pays the invoice in full.
        await portal.WithDbAsync(async db =>
        {
            var invoice = await db.Invoices.SingleAsync(i => i.Id == account.Invoices[0]);
            var check = new Payment { AccountId = account.Account.Id, Number = "CHK-" + Guid.NewGuid().ToString("N")[..8], Currency = "USD", Amount = 80m, UnappliedAmount = 80m, Status = PaymentStatus.Succeeded, Source = PaymentSource.BillingSystem, CreatedAt = DateTime.UtcNow, ReceivedAt = DateTime.UtcNow };
            db.Payments.Add(check);
            var ledger = new Portal.Features.Ledger.Ledger(TimeProvider.System);
            Assert.IsType<Portal.Features.Ledger.LedgerResult.Applied>(ledger.AllocatePayment(check, [new(invoice, 80m)]));
            await db.SaveChangesAsync();
        });
        await ReconcileNowAsync(Services, id);

        var payment = await portal.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.AttemptId == id));
        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        Assert.Equal(80m, payment.UnappliedAmount);
        Assert.Equal(new InvoiceFigures(80m, 0m, 0m, 80m), await InvoiceAsync(portal, account.Invoices[0]));
        var reported = await portal.WithDbAsync(db => db.IntegrationEvents.Where(e => e.AccountId == account.Account.Id && e.Type == "payment.succeeded").Select(e => e.Payload).SingleAsync());
        Assert.Contains("\"surplus\":[{\"invoice\"", reported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_outcome_after_a_day_is_marked_for_review_with_its_reservation_held()
    {
        var account = await AccountAsync(portal, 70m);
        var card = await CardAsync(Services, account, TimeoutNothing);
        var (start, _) = await PayAsync(Services, Plan(account, card, null, (account.Invoices[0], 70m)));
        var id = ((AttemptStart.Created)start).Attempt.Id;
        // The gateway does not answer (a 409 for a key still in flight), for more than a day.
        await portal.WithDbAsync(async db =>
        {
            db.TestGatewayCharges.Add(new TestGatewayCharge { IdempotencyKey = id.ToString("N"), Fingerprint = "x", Reference = "tch_x", MethodToken = "x", Currency = "USD", CreatedAt = DateTime.UtcNow });
            await db.PaymentAttempts.Where(a => a.Id == id).ExecuteUpdateAsync(u => u.SetProperty(a => a.CreatedAt, DateTime.UtcNow.AddDays(-2)));
            await db.SaveChangesAsync();
        });

        await ReconcileNowAsync(Services, id);

        var attempt = await portal.WithDbAsync(db => db.PaymentAttempts.AsNoTracking().SingleAsync(a => a.Id == id));
        Assert.Equal(AttemptState.Pending, attempt.State);
        Assert.True(attempt.NeedsReview);
        Assert.Contains("409", attempt.LastCheckError, StringComparison.Ordinal);
        Assert.Equal(70m, (await InvoiceAsync(portal, account.Invoices[0])).Reserved);
        Assert.Equal(1, await portal.WithDbAsync(db => db.IntegrationEvents.CountAsync(e => e.AccountId == account.Account.Id && e.Type == "payment.needs_review")));
    }

    [Fact]
    public async Task Zero_negative_too_many_decimals_and_too_much_are_refused_without_a_charge()
    {
        var counter = new CountingGateway();
        await using var counting = Counting(portal, counter);
        var account = await AccountAsync(portal, 100m);
        var foreign = await AccountAsync(portal, 10m);
        var card = await CardAsync(counting.Services, account, Succeeds);

        foreach (var amount in new[] { 0m, -5m, 10.005m, 100.01m })
        {
            var (start, _) = await PayAsync(counting.Services, Plan(account, card, null, (account.Invoices[0], amount)));
            Assert.IsType<AttemptStart.Refused>(start);
        }

        var (other, _) = await PayAsync(counting.Services, Plan(account, card, null, (foreign.Invoices[0], 10m)) with { AccountId = foreign.Account.Id });
        Assert.IsType<AttemptStart.Refused>(other);
        Assert.Equal(0, counter.Charges);
        Assert.Equal(new InvoiceFigures(100m, 100m, 0m, 0m), await InvoiceAsync(portal, account.Invoices[0]));
    }

    [Fact]
    public async Task The_test_gateway_replays_a_key_refuses_other_parameters_and_answers_409_in_flight()
    {
        var account = await AccountAsync(portal, 10m);
        await CardAsync(Services, account, Succeeds);
        var token = await portal.WithDbAsync(db => db.SavedPaymentMethods.Where(m => m.AccountId == account.Account.Id).Select(m => m.Token).SingleAsync());
        var gateway = Services.GetRequiredService<IPaymentGateway>();
        var key = Guid.NewGuid().ToString("N");
        var request = new ChargeRequest(key, account.Account.Number, token, 1000, "USD", false, "/");

        var first = await gateway.ChargeAsync(request, CancellationToken.None);
        var again = await gateway.ChargeAsync(request, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<GatewayRequestRefusedException>(() => gateway.ChargeAsync(request with { AmountMinor = 2000 }, CancellationToken.None));
        var inFlightKey = Guid.NewGuid().ToString("N");
        await portal.WithDbAsync(async db =>
        {
            db.TestGatewayCharges.Add(new TestGatewayCharge { IdempotencyKey = inFlightKey, Fingerprint = "other", Reference = "tch_y", MethodToken = token, Currency = "USD", CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        });
        var inFlight = await Assert.ThrowsAsync<GatewayRequestRefusedException>(() => gateway.ChargeAsync(request with { IdempotencyKey = inFlightKey }, CancellationToken.None));

        Assert.Equal(ChargeStatus.Succeeded, first.Status);
        Assert.Equal(first, again);
        Assert.Equal("idempotency_key_in_use", refused.Code);
        Assert.Equal("idempotency_key_in_use", inFlight.Code);
        var sameInFlight = new ChargeRequest(inFlightKey, "a", "b", 1, "USD", false, "/");
        await portal.WithDbAsync(db => db.TestGatewayCharges.Where(c => c.IdempotencyKey == inFlightKey).ExecuteUpdateAsync(u => u.SetProperty(c => c.Fingerprint, "a|b|1|USD|on")));
        await Assert.ThrowsAsync<GatewayUnknownOutcomeException>(() => gateway.ChargeAsync(sameInFlight, CancellationToken.None));
    }

    private Task<AttemptState> StateAsync(Guid id) =>
        portal.WithDbAsync(db => db.PaymentAttempts.Where(a => a.Id == id).Select(a => a.State).SingleAsync());

    private Task<string> UserIdAsync(PayAccount account) =>
        portal.WithDbAsync(db => db.Users.Where(u => u.Email == account.Account.Email).Select(u => u.Id).SingleAsync());
}
