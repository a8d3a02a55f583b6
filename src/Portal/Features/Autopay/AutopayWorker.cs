using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Identity;
using Portal.Features.Operator;
using Portal.Features.Payments;
using Portal.Infrastructure;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Payments;
using Portal.Infrastructure.Workers;

namespace Portal.Features.Autopay;

/// <summary>Autopay's worker settings, section <c>Payments:Autopay</c>.</summary>
public sealed class AutopayOptions
{
    public int BatchSize { get; set; } = 20;

    /// <summary>At most this many invoices are planned (reminded, or given their first try) per pass.</summary>
    public int PlanBatch { get; set; } = 200;

    /// <summary>A claim outlives any gateway call; it runs out only when its instance is gone.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long to wait before looking again at a charge whose outcome the gateway has not given yet.</summary>
    public TimeSpan WaitingRecheck { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Charges each open invoice of an account with autopay on, on its due date in the operator's time zone,
/// exactly once however many instances run it. Each pass (1) sends the reminders due (one
/// <see cref="AutopayReminder"/> row per invoice, unique), (2) plans the first try of each invoice due
/// (one <see cref="AutopayCharge"/> row per invoice and try, unique), and (3) claims due rows through
/// <see cref="WorkLeases"/> and charges them through <see cref="PaymentAttempts"/> with an attempt id
/// derived from invoice and try, so that a re-run, a crash or a second instance finds the same attempt
/// rather than charging again. A soft decline schedules the next try; a hard decline, a card that
/// needs its holder or the last retry stops, pauses autopay and e-mails a pay link.
/// </summary>
public sealed class AutopayWorker(
    IServiceScopeFactory scopes,
    WorkLeases leases,
    IOptions<AutopayOptions> options,
    IOptions<WorkerOptions> workerOptions,
    ILogger<AutopayWorker> logger) : PollingWorker(workerOptions.Value, logger)
{
    private static readonly AutopayChargeState[] Due = [AutopayChargeState.Scheduled, AutopayChargeState.Waiting];

    private readonly AutopayOptions _options = options.Value;

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var planned = await PlanAsync(ct);
        return planned + await ChargeDueAsync(ct);
    }

    /// <summary>Sends the reminders due and writes the first try of every invoice due today or earlier; returns how many rows it wrote.</summary>
    public async Task<int> PlanAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PortalDb>();
        var settings = await services.GetRequiredService<OperatorSettingsCache>().GetAsync(ct);
        if (!settings.IsOn(PortalFeature.Autopay))
        {
            return 0;
        }

        var clock = services.GetRequiredService<OperatorClock>();
        var today = await clock.TodayAsync(ct);
        var written = 0;

        if (settings.AutopayReminderDays > 0)
        {
            var until = today.AddDays(settings.AutopayReminderDays);
            var remind = await OpenInvoicesOfEnrolled(db)
                .Where(x => x.Invoice.DueDate > today && x.Invoice.DueDate <= until
                    && !db.AutopayReminders.Any(r => r.InvoiceId == x.Invoice.Id))
                .OrderBy(x => x.Invoice.DueDate).ThenBy(x => x.Invoice.Id)
                .Select(x => new { x.Invoice.Id, x.Invoice.AccountId, x.Invoice.Number, x.Invoice.DueDate, x.Invoice.Currency, Amount = x.Invoice.OpenAmount })
                .Take(_options.PlanBatch)
                .ToListAsync(ct);
            foreach (var invoice in remind)
            {
                var mail = services.GetRequiredService<PaymentMail>();
                db.AutopayReminders.Add(new AutopayReminder { InvoiceId = invoice.Id, AccountId = invoice.AccountId, SentAt = clock.UtcNow });
                var link = mail.Link("/invoices/" + Uri.EscapeDataString(invoice.Number));
                foreach (var to in await mail.PayersAsync([invoice.AccountId], NotificationKinds.AutopayReminder, ct))
                {
                    mail.Send(to, "autopay-reminder", invoice.AccountId, (l, culture) =>
                        (l["Autopay will pay invoice {0} on {1}", invoice.Number, invoice.DueDate.ToString("d", culture)],
                         l["On {0} autopay will charge {1} for invoice {2} to the account's default payment method.", invoice.DueDate.ToString("D", culture), PaymentMail.Money(invoice.Amount, invoice.Currency, culture), invoice.Number]
                            + "\n\n" + l["Invoice {0}: {1}", invoice.Number, link] + "\n"
                            + l["Payment methods and autopay: {0}", mail.Link("/settings/payment-methods")] + "\n"));
                }

                services.GetRequiredService<ActivityLog>().Record("autopay.reminded", null, invoice.AccountId, invoice.Number);
                written += await SaveOnceAsync(db, ct);
            }
        }

        var now = leases.Now();
        var due = await OpenInvoicesOfEnrolled(db)
            .Where(x => x.Invoice.DueDate <= today && x.Invoice.DueDate >= x.Since
                && !db.AutopayCharges.Any(c => c.InvoiceId == x.Invoice.Id))
            .OrderBy(x => x.Invoice.DueDate).ThenBy(x => x.Invoice.Id)
            .Select(x => new { x.Invoice.Id, x.Invoice.AccountId })
            .Take(_options.PlanBatch)
            .ToListAsync(ct);
        foreach (var invoice in due)
        {
            db.AutopayCharges.Add(new AutopayCharge
            {
                AccountId = invoice.AccountId,
                InvoiceId = invoice.Id,
                Try = 0,
                State = AutopayChargeState.Scheduled,
                NextAttemptAt = now,
                CreatedAt = now,
                UpdatedAt = now,
            });
            written += await SaveOnceAsync(db, ct);
        }

        return written;
    }

    /// <summary>Claims the due tries and charges them; returns how many it handled.</summary>
    public async Task<int> ChargeDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var eligible = db.AutopayCharges.Where(c => Due.Contains(c.State));
        await leases.ReportBacklogAsync(nameof(AutopayWorker), eligible, ct);
        await using var claim = await leases.ClaimAsync(db, eligible, _options.BatchSize, _options.Lease, ct);
        foreach (var id in claim.Ids)
        {
            ct.ThrowIfCancellationRequested();
            await ProcessAsync(id, claim.Lease, ct);
            claim.Done(id);
        }

        return claim.Count;
    }

    private async Task ProcessAsync(long id, DateTime lease, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PortalDb>();
        var row = await db.AutopayCharges.AsNoTracking().SingleAsync(c => c.Id == id, ct);
        var key = AutopayCharge.ConfirmKey(row.InvoiceId, row.Try);
        var attempts = services.GetRequiredService<PaymentAttempts>();

        // A re-run (a crash, a lost lease) finds the attempt this try made: it is never made twice.
        var attempt = await db.PaymentAttempts.AsNoTracking().FirstOrDefaultAsync(a => a.ConfirmKey == key, ct);
        if (attempt is null)
        {
            var settings = await services.GetRequiredService<OperatorSettingsCache>().GetAsync(ct);
            var enrollment = await db.AutopayEnrollments.AsNoTracking().FirstOrDefaultAsync(e => e.AccountId == row.AccountId, ct);
            if (!settings.IsOn(PortalFeature.Autopay) || enrollment?.State != AutopayState.On)
            {
                await FinishAsync(services, row, lease, AutopayChargeState.Skipped, "Autopay is not on.", ct);
                return;
            }

            // Read again just before charging: what was paid or is being paid meanwhile is not charged.
            var invoice = await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == row.InvoiceId, ct);
            if (invoice.IsVoid || invoice.OpenAmount <= 0m)
            {
                await FinishAsync(services, row, lease, AutopayChargeState.Skipped, "The invoice is paid.", ct);
                return;
            }

            if (await db.InvoiceDisputes.AnyAsync(d => d.InvoiceId == invoice.Id && d.Status == Disputes.DisputeStatus.Open, ct))
            {
                await FinishAsync(services, row, lease, AutopayChargeState.Skipped, "The invoice is disputed.", ct);
                return;
            }

            if (invoice.ReservedAmount > 0m)
            {
                await FinishAsync(services, row, lease, AutopayChargeState.Skipped, "A payment of the invoice is in progress.", ct);
                return;
            }

            var today = await services.GetRequiredService<OperatorClock>().TodayAsync(ct);
            var gateway = services.GetRequiredService<IPaymentGateway>();
            var method = await db.SavedPaymentMethods.AsNoTracking()
                .FirstOrDefaultAsync(m => m.AccountId == row.AccountId && m.IsDefault && m.Gateway == gateway.Name, ct);
            if (method is null || method.IsExpired(today))
            {
                await StopAsync(services, row, lease, invoice.Number, method is null
                    ? "Autopay has no default payment method."
                    : "The default payment method has expired.", ct);
                return;
            }

            var start = await attempts.StartAsync(new PaymentPlan(key, AttemptOrigin.Autopay, null, row.AccountId, method.Id,
                [new PlannedPart(invoice.Id, invoice.OpenAmount)], AutopayCharge.AttemptIdFor(row.InvoiceId, row.Try)), ct);
            switch (start)
            {
                case AttemptStart.Refused refused:
                    await FinishAsync(services, row, lease, AutopayChargeState.Skipped, refused.Message, ct);
                    return;
                case AttemptStart.Created created:
                    attempt = created.Attempt;
                    break;
                case AttemptStart.Replayed replayed:
                    attempt = replayed.Attempt;
                    break;
            }
        }

        // Charging a pending attempt again is safe: the gateway answers its key with the first result.
        var state = attempt!.State == AttemptState.Pending ? await attempts.ChargeAsync(attempt.Id, ct) : attempt.State;
        attempt = await db.PaymentAttempts.AsNoTracking().SingleAsync(a => a.Id == attempt.Id, ct);
        var number = await db.Invoices.Where(i => i.Id == row.InvoiceId).Select(i => i.Number).SingleAsync(ct);
        switch (state)
        {
            case AttemptState.Succeeded:
                await FinishAsync(services, row, lease, AutopayChargeState.Succeeded, null, ct, attempt.Id, "autopay.charged", number);
                break;
            case AttemptState.Pending or AttemptState.Processing:
                // The reconciler settles the attempt; this row looks at it again later.
                await FinishAsync(services, row, lease, AutopayChargeState.Waiting, "Waiting for the gateway.", ct, attempt.Id,
                    recheckAt: leases.Now() + _options.WaitingRecheck);
                break;
            case AttemptState.Failed when new ChargeResult(ChargeStatus.Declined, DeclineCode: attempt.DeclineCode).SoftDecline:
                await RetryOrStopAsync(services, row, lease, attempt, number, ct);
                break;
            default:
                // A hard decline, or a card that wants its holder present: autopay cannot go on alone.
                await StopAsync(services, row, lease, number, attempt.FailureReason ?? "The card was declined.", ct, attempt.Id);
                break;
        }
    }

    private async Task RetryOrStopAsync(IServiceProvider services, AutopayCharge row, DateTime lease, PaymentAttempt attempt, string number, CancellationToken ct)
    {
        var db = services.GetRequiredService<PortalDb>();
        var settings = await services.GetRequiredService<OperatorSettingsCache>().GetAsync(ct);
        var retries = AutopaySchedule.ParseRetryDays(settings.AutopayRetryDays) ?? [];
        if (row.Try >= retries.Count)
        {
            await StopAsync(services, row, lease, number, attempt.FailureReason ?? "The card was declined.", ct, attempt.Id);
            return;
        }

        // The retry days count from the due date, in the operator's calendar.
        var clock = services.GetRequiredService<OperatorClock>();
        var zone = await clock.ZoneAsync(ct);
        var dueDate = await db.Invoices.Where(i => i.Id == row.InvoiceId).Select(i => i.DueDate).SingleAsync(ct);
        var at = WorkerTime.Floor(AutopaySchedule.StartOfDayUtc(dueDate.AddDays(retries[row.Try]), zone));
        var now = leases.Now();
        if (at < now)
        {
            at = now;
        }

        var next = new AutopayCharge
        {
            AccountId = row.AccountId,
            InvoiceId = row.InvoiceId,
            Try = row.Try + 1,
            State = AutopayChargeState.Scheduled,
            NextAttemptAt = at,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await FinishAsync(services, row, lease, AutopayChargeState.Retrying, attempt.FailureReason, ct, attempt.Id, "autopay.retry_scheduled",
            string.Create(CultureInfo.InvariantCulture, $"{number} try {next.Try} at {at:O}"), then: () => db.AutopayCharges.Add(next));
    }

    /// <summary>Stops this invoice's autopay, pauses the account's autopay and e-mails the payers a link to pay it themselves.</summary>
    private async Task StopAsync(IServiceProvider services, AutopayCharge row, DateTime lease, string number, string reason, CancellationToken ct, Guid? attemptId = null)
    {
        var autopay = services.GetRequiredService<AutopaySwitch>();
        var mail = services.GetRequiredService<PaymentMail>();
        var pauseReason = $"Autopay could not pay invoice {number}: {reason}";
        await FinishAsync(services, row, lease, AutopayChargeState.Stopped, reason, ct, attemptId, "autopay.stopped", $"{number}: {reason}", then: async () =>
        {
            if (await autopay.PauseAsync(row.AccountId, null, pauseReason, ct))
            {
                var pay = mail.Link("/pay?invoice=" + Uri.EscapeDataString(number));
                foreach (var to in await mail.PayersAsync([row.AccountId], NotificationKinds.PaymentFailed, ct))
                {
                    mail.Send(to, "autopay-paused", row.AccountId, (l, _) =>
                        (l["Autopay is paused: please pay invoice {0}", number],
                         l["Autopay could not pay invoice {0}: {1}", number, PaymentText.Failure(reason, l)] + "\n\n"
                            + l["Autopay is paused until you turn it on again. Pay the invoice here: {0}", pay] + "\n"
                            + l["Payment methods and autopay: {0}", mail.Link("/settings/payment-methods")] + "\n"));
                }
            }
        });
    }

    /// <summary>
    /// Ends this worker's turn on a row: the state move is guarded by the lease (a worker whose lease ran
    /// out writes nothing), and whatever goes with it (the next try, the pause, the e-mails, the trail)
    /// is saved in the same transaction.
    /// </summary>
    private static async Task FinishAsync(
        IServiceProvider services, AutopayCharge row, DateTime lease, AutopayChargeState state, string? outcome, CancellationToken ct,
        Guid? attemptId = null, string? activityAction = null, string? activityDetail = null, DateTime? recheckAt = null, Func<Task>? then = null)
    {
        var db = services.GetRequiredService<PortalDb>();
        db.ChangeTracker.Clear();
        var now = services.GetRequiredService<WorkLeases>().Now();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var text = outcome is { Length: > 300 } ? outcome[..300] : outcome;
        var moved = await db.AutopayCharges
            .Where(c => c.Id == row.Id && c.NextAttemptAt == lease && Due.Contains(c.State))
            .ExecuteUpdateAsync(u => u
                .SetProperty(c => c.State, state)
                .SetProperty(c => c.Outcome, text)
                .SetProperty(c => c.AttemptId, attemptId ?? row.AttemptId)
                .SetProperty(c => c.UpdatedAt, now)
                .SetProperty(c => c.NextAttemptAt, recheckAt ?? now), ct);
        if (moved == 0)
        {
            // The lease ran out and another instance has the row: it finds the same attempt and finishes it.
            await tx.RollbackAsync(ct);
            return;
        }

        if (then is not null)
        {
            await then();
        }

        services.GetRequiredService<ActivityLog>().Record(activityAction ?? "autopay." + state.ToString().ToLowerInvariant(), null, row.AccountId,
            activityDetail ?? outcome);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private static Task FinishAsync(
        IServiceProvider services, AutopayCharge row, DateTime lease, AutopayChargeState state, string? outcome, CancellationToken ct,
        Guid? attemptId, string? activityAction, string? activityDetail, Action then) =>
        FinishAsync(services, row, lease, state, outcome, ct, attemptId, activityAction, activityDetail, null, () =>
        {
            then();
            return Task.CompletedTask;
        });

    /// <summary>
    /// Open, payable invoices of accounts whose autopay is on, with the day it was turned on. An invoice
    /// with an open dispute is not payable by autopay: the customer questions what it asks for.
    /// </summary>
    private static IQueryable<EnrolledInvoice> OpenInvoicesOfEnrolled(PortalDb db) =>
        db.AutopayEnrollments.AsNoTracking()
            .Where(e => e.State == AutopayState.On)
            .Join(db.Invoices.Where(i => i.OpenAmount > 0m && !i.IsVoid && !db.InvoiceDisputes.Any(d => d.InvoiceId == i.Id && d.Status == Disputes.DisputeStatus.Open)), e => e.AccountId, i => i.AccountId, (e, i) => new EnrolledInvoice { Invoice = i, Since = e.Since });

    /// <summary>Saves one planned row; the unique index turns a row another instance wrote first into nothing.</summary>
    private async Task<int> SaveOnceAsync(PortalDb db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return 1;
        }
        catch (DbUpdateException e)
        {
            logger.LogDebug(e, "Autopay row planned by another instance first.");
            return 0;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private sealed class EnrolledInvoice
    {
        public required Invoices.Invoice Invoice { get; init; }

        public DateOnly Since { get; init; }
    }
}
