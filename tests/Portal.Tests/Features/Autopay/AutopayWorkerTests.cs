using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Features.Autopay;
using Portal.Features.Payments;
using Portal.Infrastructure;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Features.Payments;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Autopay;

/// <summary>Autopay's worker on a portal of its own, its clock moved by the test, with a second instance beside it.</summary>
public sealed class AutopayWorkerTests
{
    private const string AuthenticateAlways = "4000002760003184";

    private const string Expired = "4000000000000069";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An account with autopay on (since long ago), a default card, and invoices due on the given days from today.</summary>
    private static async Task<(PayAccount Account, DateOnly Today)> ArrangeAsync(WorkerPortal portal, string card, params int[] dueInDays)
    {
        var today = await portal.Get<OperatorClock>().TodayAsync(Ct);
        var account = await InvoiceTestData.NewAccountAsync(portal.Root, Permissions.All);
        var ids = new List<long>();
        await portal.WithDbAsync(async db =>
        {
            for (var n = 0; n < dueInDays.Length; n++)
            {
                var invoice = InvoiceTestData.NewInvoice(account, n + 1, today.AddDays(dueInDays[n] - 30), 100m + n, 100m + n, due: today.AddDays(dueInDays[n]));
                db.Invoices.Add(invoice);
                await db.SaveChangesAsync(Ct);
                ids.Add(invoice.Id);
            }

            db.AutopayEnrollments.Add(new AutopayEnrollment { AccountId = account.Id, State = AutopayState.On, Since = today.AddYears(-1), UpdatedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync(Ct);
        });
        var pay = new PayAccount(account, ids);
        await PayTestData.CardAsync(portal.Services, pay, card, isDefault: true);
        return (pay, today);
    }

    private static Task<List<PaymentAttempt>> AttemptsAsync(WorkerPortal portal, PayAccount account) =>
        portal.WithDbAsync(db => db.PaymentAttempts.AsNoTracking().Where(a => a.AccountId == account.Account.Id).OrderBy(a => a.CreatedAt).ToListAsync(Ct));

    private static Task<List<AutopayCharge>> ChargesAsync(WorkerPortal portal, PayAccount account) =>
        portal.WithDbAsync(db => db.AutopayCharges.AsNoTracking().Where(c => c.AccountId == account.Account.Id).OrderBy(c => c.InvoiceId).ThenBy(c => c.Try).ToListAsync(Ct));

    private static Task<AutopayState?> AutopayStateAsync(WorkerPortal portal, PayAccount account) =>
        portal.WithDbAsync(db => db.AutopayEnrollments.Where(e => e.AccountId == account.Account.Id).Select(e => (AutopayState?)e.State).SingleOrDefaultAsync(Ct));

    private static Task<List<string>> EventsAsync(WorkerPortal portal, PayAccount account) =>
        portal.WithDbAsync(db => db.IntegrationEvents.Where(e => e.AccountId == account.Account.Id).OrderBy(e => e.Id).Select(e => e.Type).ToListAsync(Ct));

    [Fact]
    public async Task Two_instances_on_the_same_day_make_one_attempt_per_invoice_and_a_rerun_makes_none()
    {
        await using var portal = WorkerPortal.Start();
        var second = portal.StartSecondInstance();
        var (account, _) = await ArrangeAsync(portal, PayTestData.Succeeds, 0, 0, -2, 5);
        var workers = new[] { portal.Get<AutopayWorker>(), second.Services.GetRequiredService<AutopayWorker>() };
        Assert.NotSame(workers[0], workers[1]);

        // Both instances, each pass several times at once, as their polling loops would.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(n => Task.Run(() => workers[n % 2].RunOnceAsync(Ct), Ct)));
        await Task.WhenAll(workers.Select(w => w.RunOnceAsync(Ct)));

        var attempts = await AttemptsAsync(portal, account);
        var charges = await ChargesAsync(portal, account);
        // Due today (two) and two days ago: charged; due in five days: not yet.
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(AttemptState.Succeeded, a.State));
        Assert.Equal(3, attempts.Select(a => a.ConfirmKey).Distinct().Count());
        Assert.Equal(3, charges.Count);
        Assert.All(charges, c => Assert.Equal((0, AutopayChargeState.Succeeded), (c.Try, c.State)));
        // The attempt id is derived from invoice and try: the gateway's idempotency key is the same on every instance.
        Assert.All(charges, c => Assert.Equal(AutopayCharge.AttemptIdFor(c.InvoiceId, 0), c.AttemptId));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0m, (await PayTestData.InvoiceAsync(portal.Root, account.Invoices[i])).Open);
        }

        Assert.Equal(103m, (await PayTestData.InvoiceAsync(portal.Root, account.Invoices[3])).Open);

        // A re-run, on either instance, the same day or the next: nothing new.
        portal.Clock.Advance(TimeSpan.FromHours(3));
        await Task.WhenAll(workers.Select(w => w.RunOnceAsync(Ct)));
        Assert.Equal(3, (await AttemptsAsync(portal, account)).Count);
        Assert.Equal(3, (await ChargesAsync(portal, account)).Count);
        Assert.Equal(AutopayState.On, await AutopayStateAsync(portal, account));
        Assert.Contains("autopay.charged", await portal.WithDbAsync(db => db.ActivityEntries.Where(e => e.AccountId == account.Account.Id).Select(e => e.Action).ToListAsync(Ct)));
    }

    [Fact]
    public async Task A_soft_decline_schedules_the_retries_and_the_last_one_stops_and_pauses()
    {
        await using var portal = WorkerPortal.Start();
        var (account, today) = await ArrangeAsync(portal, PayTestData.InsufficientFunds, 0);
        var worker = portal.Get<AutopayWorker>();
        var zone = await portal.Get<OperatorClock>().ZoneAsync(Ct);

        await worker.RunOnceAsync(Ct);

        var charges = await ChargesAsync(portal, account);
        Assert.Equal([(0, AutopayChargeState.Retrying), (1, AutopayChargeState.Scheduled)], charges.Select(c => (c.Try, c.State)));
        Assert.Equal(AutopaySchedule.StartOfDayUtc(today.AddDays(1), zone), charges[1].NextAttemptAt);
        Assert.Equal(AutopayState.On, await AutopayStateAsync(portal, account));
        // Not due yet: a pass now does nothing.
        await worker.RunOnceAsync(Ct);
        Assert.Single(await AttemptsAsync(portal, account));

        // The retries after 1, 3 and 7 days, each a new attempt with a key of its own; the last one stops.
        foreach (var (days, tries) in new[] { (1, 2), (3, 3), (7, 4) })
        {
            portal.Clock.SetUtcNow(AutopaySchedule.StartOfDayUtc(today.AddDays(days), zone).AddHours(1));
            await worker.RunOnceAsync(Ct);
            Assert.Equal(tries, (await AttemptsAsync(portal, account)).Count);
        }

        charges = await ChargesAsync(portal, account);
        Assert.Equal([AutopayChargeState.Retrying, AutopayChargeState.Retrying, AutopayChargeState.Retrying, AutopayChargeState.Stopped], charges.Select(c => c.State));
        var attempts = await AttemptsAsync(portal, account);
        Assert.Equal(charges.Select(c => AutopayCharge.AttemptIdFor(c.InvoiceId, c.Try)), attempts.Select(a => a.Id));
        Assert.All(attempts, a => Assert.Equal("insufficient_funds", a.DeclineCode));
        Assert.Equal(AutopayState.Paused, await AutopayStateAsync(portal, account));
        Assert.Equal(new InvoiceFigures(100m, 100m, 0m, 0m), await PayTestData.InvoiceAsync(portal.Root, account.Invoices[0]));

        // Paused: later passes charge nothing.
        portal.Clock.Advance(TimeSpan.FromDays(2));
        await worker.RunOnceAsync(Ct);
        Assert.Equal(4, (await AttemptsAsync(portal, account)).Count);
    }

    [Theory]
    [InlineData(Expired)]
    [InlineData(AuthenticateAlways)]
    public async Task A_hard_decline_or_a_card_that_needs_its_holder_stops_pauses_and_mails_a_pay_link(string card)
    {
        await using var portal = WorkerPortal.Start();
        var (account, _) = await ArrangeAsync(portal, card, 0);
        var worker = portal.Get<AutopayWorker>();

        await worker.RunOnceAsync(Ct);
        portal.Clock.Advance(TimeSpan.FromDays(8));
        await worker.RunOnceAsync(Ct);

        Assert.Single(await AttemptsAsync(portal, account));
        var charge = Assert.Single(await ChargesAsync(portal, account));
        Assert.Equal(AutopayChargeState.Stopped, charge.State);
        Assert.Equal(AutopayState.Paused, await AutopayStateAsync(portal, account));
        Assert.Contains("autopay.paused", await EventsAsync(portal, account));
        var mail = await portal.WithDbAsync(db => db.EmailMessages.Where(m => m.AccountId == account.Account.Id && m.Kind == "autopay-paused").ToListAsync(Ct));
        var message = Assert.Single(mail);
        Assert.Equal(account.Account.Email, message.To);
        Assert.Contains("/pay?invoice=" + account.Account.Prefix + "001", message.TextBody, StringComparison.Ordinal);
        var reason = await portal.WithDbAsync(db => db.AutopayEnrollments.Where(e => e.AccountId == account.Account.Id).Select(e => e.PausedReason).SingleAsync(Ct));
        Assert.Contains(account.Account.Prefix + "001", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invoice_with_an_open_dispute_is_neither_planned_nor_charged()
    {
        await using var portal = WorkerPortal.Start();
        var (account, _) = await ArrangeAsync(portal, PayTestData.Succeeds, 0, 0);
        var worker = portal.Get<AutopayWorker>();
        await worker.PlanAsync(Ct);
        Assert.Equal(2, (await ChargesAsync(portal, account)).Count);
        // Disputed after planning: the charge of the second invoice is skipped when its turn comes; the
        // first one (disputed before planning in a fresh account below) is never planned.
        await portal.WithDbAsync(db =>
        {
            db.InvoiceDisputes.Add(new Portal.Features.Disputes.InvoiceDispute
            {
                AccountId = account.Account.Id,
                InvoiceId = account.Invoices[1],
                Number = "D-" + Guid.NewGuid().ToString("N")[..10],
                Reason = "Billed twice",
                Details = "Twice",
                Currency = "USD",
                Amount = 10m,
                OpenedAt = DateTime.UtcNow,
                UpdatedAt = DateTime.UtcNow,
            });
            return db.SaveChangesAsync(Ct);
        });
        await worker.ChargeDueAsync(Ct);

        var charges = await ChargesAsync(portal, account);
        Assert.Equal(AutopayChargeState.Succeeded, charges.Single(c => c.InvoiceId == account.Invoices[0]).State);
        Assert.Equal(AutopayChargeState.Skipped, charges.Single(c => c.InvoiceId == account.Invoices[1]).State);

        var (fresh, _) = await ArrangeAsync(portal, PayTestData.Succeeds, 0);
        await portal.WithDbAsync(db =>
        {
            db.InvoiceDisputes.Add(new Portal.Features.Disputes.InvoiceDispute
            {
                AccountId = fresh.Account.Id,
                InvoiceId = fresh.Invoices[0],
                Number = "D-" + Guid.NewGuid().ToString("N")[..10],
                Reason = "Billed twice",
                Details = "Twice",
                Currency = "USD",
                Amount = 10m,
                OpenedAt = DateTime.UtcNow,
                UpdatedAt = DateTime.UtcNow,
            });
            return db.SaveChangesAsync(Ct);
        });
        await worker.PlanAsync(Ct);
        Assert.Empty(await ChargesAsync(portal, fresh));
    }

    [Fact]
    public async Task An_invoice_paid_between_planning_and_charging_is_skipped()
    {
        await using var portal = WorkerPortal.Start();
        var (account, _) = await ArrangeAsync(portal, PayTestData.Succeeds, 0);
        var worker = portal.Get<AutopayWorker>();
        var card = await portal.WithDbAsync(db => db.SavedPaymentMethods.Where(m => m.AccountId == account.Account.Id).Select(m => m.Id).SingleAsync(Ct));

        await worker.PlanAsync(Ct);
        Assert.Equal(AutopayChargeState.Scheduled, Assert.Single(await ChargesAsync(portal, account)).State);
        var paid = await PayTestData.PayAsync(portal.Services, PayTestData.Plan(account, card, null, (account.Invoices[0], 100m)));
        Assert.Equal(AttemptState.Succeeded, paid.State);
        await worker.ChargeDueAsync(Ct);

        Assert.Single(await AttemptsAsync(portal, account));
        var charge = Assert.Single(await ChargesAsync(portal, account));
        Assert.Equal((AutopayChargeState.Skipped, (Guid?)null), (charge.State, charge.AttemptId));
        Assert.Equal(new InvoiceFigures(100m, 0m, 0m, 100m), await PayTestData.InvoiceAsync(portal.Root, account.Invoices[0]));
        Assert.Equal(AutopayState.On, await AutopayStateAsync(portal, account));
    }

    [Fact]
    public async Task The_reminder_goes_out_once_the_set_number_of_days_before_the_due_date()
    {
        await using var portal = WorkerPortal.Start();
        var (account, _) = await ArrangeAsync(portal, PayTestData.Succeeds, 2, 9);
        var worker = portal.Get<AutopayWorker>();
        // Written by a background job: in the language the recipient chose, not the server's.
        await portal.WithDbAsync(db => db.Users.Where(u => u.Email == account.Account.Email).ExecuteUpdateAsync(u => u.SetProperty(x => x.PreferredCulture, "fr"), Ct));

        await worker.RunOnceAsync(Ct);
        await portal.StartSecondInstance().Services.GetRequiredService<AutopayWorker>().RunOnceAsync(Ct);
        await worker.RunOnceAsync(Ct);

        var mail = await portal.WithDbAsync(db => db.EmailMessages.Where(m => m.AccountId == account.Account.Id && m.Kind == "autopay-reminder").ToListAsync(Ct));
        var reminder = Assert.Single(mail);
        Assert.StartsWith("Le paiement automatique réglera la facture " + account.Account.Prefix + "001", reminder.Subject, StringComparison.Ordinal);
        Assert.Contains("/settings/payment-methods", reminder.TextBody, StringComparison.Ordinal);
        Assert.Empty(await AttemptsAsync(portal, account));
    }

    [Fact]
    public async Task Without_a_default_method_autopay_stops_and_pauses_instead_of_using_another_card()
    {
        await using var portal = WorkerPortal.Start();
        var (account, _) = await ArrangeAsync(portal, PayTestData.Succeeds, 0);
        await portal.WithDbAsync(db => db.SavedPaymentMethods.Where(m => m.AccountId == account.Account.Id).ExecuteUpdateAsync(u => u.SetProperty(m => m.IsDefault, false), Ct));

        await portal.Get<AutopayWorker>().RunOnceAsync(Ct);

        Assert.Empty(await AttemptsAsync(portal, account));
        Assert.Equal(AutopayChargeState.Stopped, Assert.Single(await ChargesAsync(portal, account)).State);
        Assert.Equal(AutopayState.Paused, await AutopayStateAsync(portal, account));
    }

    [Fact]
    public async Task A_worker_that_died_after_writing_the_attempt_is_finished_by_the_next_run_with_the_same_attempt()
    {
        await using var portal = WorkerPortal.Start();
        var (account, _) = await ArrangeAsync(portal, PayTestData.Succeeds, 0);
        var worker = portal.Get<AutopayWorker>();
        var card = await portal.WithDbAsync(db => db.SavedPaymentMethods.Where(m => m.AccountId == account.Account.Id).Select(m => m.Id).SingleAsync(Ct));
        var invoice = account.Invoices[0];
        await worker.PlanAsync(Ct);
        // What the dead worker got as far as: the attempt committed (reservation held), the gateway never called.
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var start = await scope.ServiceProvider.GetRequiredService<PaymentAttempts>().StartAsync(new PaymentPlan(
                AutopayCharge.ConfirmKey(invoice, 0), AttemptOrigin.Autopay, null, account.Account.Id, card, [new PlannedPart(invoice, 100m)], AutopayCharge.AttemptIdFor(invoice, 0)), Ct);
            Assert.IsType<AttemptStart.Created>(start);
        }

        await portal.RestartAsync();
        await portal.Get<AutopayWorker>().RunOnceAsync(Ct);

        var attempt = Assert.Single(await AttemptsAsync(portal, account));
        Assert.Equal((AutopayCharge.AttemptIdFor(invoice, 0), AttemptState.Succeeded), (attempt.Id, attempt.State));
        Assert.Equal(AutopayChargeState.Succeeded, Assert.Single(await ChargesAsync(portal, account)).State);
        Assert.Equal(new InvoiceFigures(100m, 0m, 0m, 100m), await PayTestData.InvoiceAsync(portal.Root, invoice));
    }
}
