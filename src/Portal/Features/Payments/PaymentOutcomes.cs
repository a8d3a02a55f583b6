using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Identity;
using Portal.Features.Ledger;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Events;
using Portal.Infrastructure.Payments;

namespace Portal.Features.Payments;

/// <summary>
/// The one function that records what became of a payment attempt. The request that charged, the
/// return from 3-D Secure, the reconciler and gateway webhooks all call it. In one transaction it moves
/// the attempt's state conditionally (guarded by its version: a terminal state never changes, and of
/// two recorders racing one wins and the other re-reads), releases the reservations, allocates the
/// payments through the <see cref="Ledger.Ledger"/>, and writes the events, e-mails and activity.
/// </summary>
public sealed class PaymentOutcomes(
    PortalDb db,
    Ledger.Ledger ledger,
    IntegrationEvents events,
    ActivityLog activity,
    PaymentMail mail,
    TimeProvider time,
    ILogger<PaymentOutcomes> logger)
{
    /// <summary>How long a confirmed payment may stay unknown before the console asks a person to look at it.</summary>
    public static readonly TimeSpan ReviewAfter = TimeSpan.FromDays(1);

    /// <summary>Records the gateway's answer; returns the attempt's state afterwards.</summary>
    public Task<AttemptState> RecordAsync(Guid attemptId, ChargeResult result, string source, CancellationToken ct) =>
        RecordAsync(attemptId, result, source, known: null, ct);

    /// <summary>
    /// Records the gateway's answer; returns the attempt's state afterwards. <paramref name="known"/> is the
    /// attempt with its parts as the caller last saw it (the request that created and charged it): then the
    /// attempt is not read again, its state is moved by one conditional update (only if its version is still
    /// the one the caller saw) and, when that finds it moved by someone else, it is read as it now is.
    /// </summary>
    public async Task<AttemptState> RecordAsync(Guid attemptId, ChargeResult result, string source, PaymentAttempt? known, CancellationToken ct)
    {
        for (var round = 0; ; round++)
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var now = time.GetUtcNow().UtcDateTime;
            PaymentAttempt attempt;
            if (round == 0 && known is { IsTerminal: false } && known.Id == attemptId)
            {
                // The update is the claim: on PostgreSQL it takes the attempt's row lock (a second recorder
                // waits, then finds the version moved), on SQLite the transaction holds the write lock already.
                var move = Move(known, result, now);
                var claimed = await db.PaymentAttempts.Where(a => a.Id == attemptId && a.Version == known.Version)
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(a => a.State, move.State)
                        .SetProperty(a => a.GatewayReference, move.GatewayReference)
                        .SetProperty(a => a.ActionUrl, move.ActionUrl)
                        .SetProperty(a => a.UpdatedAt, move.UpdatedAt)
                        .SetProperty(a => a.Version, move.Version)
                        .SetProperty(a => a.SettledAt, move.SettledAt)
                        .SetProperty(a => a.DeclineCode, move.DeclineCode)
                        .SetProperty(a => a.FailureReason, move.FailureReason), ct);
                if (claimed == 0)
                {
                    await tx.RollbackAsync(ct);
                    continue;
                }

                attempt = known;
                move.ApplyTo(attempt);
            }
            else
            {
                if (db.Database.IsNpgsql())
                {
                    // Two recorders of one attempt (two instances' reconcilers, a webhook and the request) take
                    // turns: without the row lock, under READ COMMITTED the second could read the attempt as it
                    // was before the first committed and the invoices and payments as they are after, and try
                    // to allocate money the first already allocated. The version check would refuse its write,
                    // but only after that torn read. SQLite's write transactions are serial already.
                    await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM \"PaymentAttempts\" WHERE \"Id\" = {attemptId} FOR UPDATE", ct);
                }

                attempt = await db.PaymentAttempts.Include(a => a.Parts).SingleAsync(a => a.Id == attemptId, ct);
                if (attempt.IsTerminal)
                {
                    return attempt.State;
                }

                // Saved below with the rest, guarded by the version it was read with.
                Move(attempt, result, now).ApplyTo(attempt);
            }

            if (attempt.IsTerminal)
            {
                await SettleAsync(attempt, source, now, ct);
            }

            try
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return attempt.State;
            }
            catch (Exception e) when (round < 8 && (e is DbUpdateConcurrencyException || WriteConflicts.IsDeadlock(e)))
            {
                // Another recorder moved the attempt, or a billing-system payment touched an invoice, or PostgreSQL
                // broke a deadlock with one of them by failing this transaction: read again.
                await tx.RollbackAsync(ct);
                logger.LogInformation("Payment attempt {Attempt}: concurrent change while recording {Status}; reading again.", attemptId, result.Status);
            }
        }
    }

    /// <summary>Where the gateway's answer moves a non-terminal attempt; a terminal one is never moved.</summary>
    private static AttemptMove Move(PaymentAttempt attempt, ChargeResult result, DateTime now)
    {
        var next = result.Status switch
        {
            ChargeStatus.Succeeded => AttemptState.Succeeded,
            ChargeStatus.Declined or ChargeStatus.NotFound => AttemptState.Failed,
            ChargeStatus.Processing => AttemptState.Processing,
            _ => AttemptState.RequiresAction,
        };
        var terminal = next is AttemptState.Succeeded or AttemptState.Failed;
        return new AttemptMove(
            next,
            result.Reference ?? attempt.GatewayReference,
            next == AttemptState.RequiresAction ? result.ActionUrl : null,
            now,
            attempt.Version + 1,
            terminal ? now : attempt.SettledAt,
            terminal ? result.DeclineCode : attempt.DeclineCode,
            terminal ? (next == AttemptState.Failed ? FailureText(result) : null) : attempt.FailureReason);
    }

    private sealed record AttemptMove(
        AttemptState State, string? GatewayReference, string? ActionUrl, DateTime UpdatedAt, long Version,
        DateTime? SettledAt, string? DeclineCode, string? FailureReason)
    {
        public void ApplyTo(PaymentAttempt attempt)
        {
            attempt.State = State;
            attempt.GatewayReference = GatewayReference;
            attempt.ActionUrl = ActionUrl;
            attempt.UpdatedAt = UpdatedAt;
            attempt.Version = Version;
            attempt.SettledAt = SettledAt;
            attempt.DeclineCode = DeclineCode;
            attempt.FailureReason = FailureReason;
        }
    }

    private async Task SettleAsync(PaymentAttempt attempt, string source, DateTime now, CancellationToken ct)
    {
        var invoiceIds = attempt.Parts.Select(p => p.InvoiceId).ToList();
        // Each payment is of the accounts of its parts' invoices: their billing-system ids come with the invoices.
        var rows = await db.Invoices.Where(i => invoiceIds.Contains(i.Id)).Select(i => new { Invoice = i, AccountRef = i.Account!.ExternalId }).ToListAsync(ct);
        var invoices = rows.ToDictionary(r => r.Invoice.Id, r => r.Invoice);
        var accountRefs = rows.DistinctBy(r => r.Invoice.AccountId).ToDictionary(r => r.Invoice.AccountId, r => r.AccountRef);
        var paymentIds = attempt.Parts.Select(p => p.PaymentId).Distinct().ToList();
        var payments = await db.Payments.Include(p => p.Allocations).Where(p => paymentIds.Contains(p.Id)).ToListAsync(ct);
        var succeeded = attempt.State == AttemptState.Succeeded;

        foreach (var payment in payments.OrderBy(p => p.Id))
        {
            var parts = attempt.Parts.Where(p => p.PaymentId == payment.Id).OrderBy(p => p.Id).ToList();
            var surplus = new List<object>();
            var allocate = new List<AllocationPart>();
            foreach (var part in parts)
            {
                var invoice = invoices[part.InvoiceId];
                Ledger.Ledger.ReleaseReservation(invoice, part.Amount);
                if (!succeeded)
                {
                    continue;
                }

                // Money for an invoice the billing system meanwhile marked paid stays unapplied on the
                // payment (and is reported), never silently moved to another invoice.
                var apply = invoice.IsVoid ? 0m : Math.Min(part.Amount, invoice.OpenAmount);
                if (apply > 0m)
                {
                    allocate.Add(new AllocationPart(invoice, apply));
                }

                if (apply < part.Amount)
                {
                    surplus.Add(new { invoice = invoice.Number, amount = part.Amount - apply });
                }
            }

            payment.Status = succeeded ? PaymentStatus.Succeeded : PaymentStatus.Failed;
            payment.GatewayReference = attempt.GatewayReference;
            payment.FailureReason = attempt.FailureReason;
            payment.ReceivedAt = now;
            if (succeeded && ledger.AllocatePayment(payment, allocate) is LedgerResult.Refused refused)
            {
                // The amounts above never exceed an invoice's open amount; reaching this is a bug.
                throw new InvalidOperationException($"Allocating payment {payment.Number} was refused: {refused.Message}");
            }

            var accountRef = accountRefs.GetValueOrDefault(payment.AccountId);
            var payload = new
            {
                number = payment.Number,
                attemptId = attempt.Id,
                origin = attempt.Origin.ToString().ToLowerInvariant(),
                gateway = attempt.Gateway,
                gatewayReference = attempt.GatewayReference,
                currency = payment.Currency,
                amount = payment.Amount,
                unappliedAmount = succeeded ? payment.UnappliedAmount : 0m,
                method = payment.MethodDetail,
                allocations = payment.Allocations.Select(a => new { invoice = invoices[a.InvoiceId].Number, invoiceExternalId = invoices[a.InvoiceId].ExternalId, amount = a.Amount }).ToList(),
                surplus,
                declineCode = attempt.DeclineCode,
                failureReason = attempt.FailureReason,
            };
            events.Record(succeeded ? "payment.succeeded" : "payment.failed", payment.AccountId, accountRef, payload);
            activity.Record(succeeded ? "payment.succeeded" : "payment.failed", attempt.UserId, payment.AccountId,
                $"{payment.Number} {payment.Amount.ToString(CultureInfo.InvariantCulture)} {payment.Currency} ({source})");
        }

        await MailAsync(attempt, payments, ct);
    }

    private async Task MailAsync(PaymentAttempt attempt, List<Payment> payments, CancellationToken ct)
    {
        var succeeded = attempt.State == AttemptState.Succeeded;
        if (!succeeded && attempt.Origin == AttemptOrigin.Autopay)
        {
            // Autopay writes its own message: a retry to come, or autopay paused with a pay link.
            return;
        }

        var kind = succeeded ? NotificationKinds.PaymentReceipt : NotificationKinds.PaymentFailed;
        // The customer who paid; for autopay, the account's payers.
        var recipients = attempt.UserId is not null
            ? await mail.UserAsync(attempt.UserId, kind, ct)
            : await mail.PayersAsync(payments.Select(p => p.AccountId).Distinct().ToList(), kind, ct);
        foreach (var to in recipients)
        {
            foreach (var payment in payments)
            {
                var receipt = mail.Link("/payments/" + Uri.EscapeDataString(payment.Number));
                var pay = mail.Link("/pay");
                mail.Send(to, succeeded ? "payment-receipt" : "payment-failed", payment.AccountId, (l, culture) =>
                {
                    var amount = PaymentMail.Money(payment.Amount, payment.Currency, culture);
                    return succeeded
                        ? (l["Payment receipt {0}", payment.Number],
                            l["Thank you: we received your payment of {0} ({1}).", amount, payment.MethodDetail ?? ""] + "\n\n" + l["Receipt {0}: {1}", payment.Number, receipt] + "\n")
                        : (l["Payment {0} did not go through", payment.Number],
                            l["Your payment of {0} ({1}) did not go through: {2}", amount, payment.MethodDetail ?? "", PaymentText.Failure(attempt.FailureReason, l)] + "\n\n"
                            + l["Nothing was charged. Pay again: {0}", pay] + "\n");
                });
            }
        }
    }

    /// <summary>What the customer reads when a charge fails; never the gateway's raw error.</summary>
    public static string FailureText(ChargeResult result) => result.Status == ChargeStatus.NotFound
        ? "The payment did not reach the card issuer; nothing was charged."
        : result.DeclineCode switch
        {
            "insufficient_funds" => "The card has insufficient funds.",
            "expired_card" => "The card has expired.",
            "authentication_required" => "The card needs you to confirm each payment; pay it yourself from the Pay page.",
            "authentication_failed" => "The payment was not confirmed at the card issuer.",
            "debit_failed" => "The bank refused the debit.",
            "fraudulent" or "stolen_card" or "lost_card" => "The card issuer refused the payment as suspected fraud.",
            "incorrect_number" or "invalid_number" or "incorrect_cvc" or "invalid_cvc" => "The card number or security code is not valid.",
            "resource_missing" or "payment_method_unavailable" => "The payment method is no longer available; add it again.",
            _ => "The card was declined.",
        };
}
