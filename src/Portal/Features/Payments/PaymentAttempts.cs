using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Ledger;
using Portal.Infrastructure;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Payments;

namespace Portal.Features.Payments;

/// <summary>What a customer (or autopay) confirmed: which invoices get how much, paid with which saved method.</summary>
public sealed record PaymentPlan(
    string ConfirmKey,
    AttemptOrigin Origin,
    string? UserId,
    long AccountId,
    long MethodId,
    IReadOnlyList<PlannedPart> Parts,
    Guid? AttemptId = null,
    IReadOnlySet<long>? OtherAccounts = null)
{
    /// <summary>The same key with other invoices, amounts or method is another payment, and refused.</summary>
    public string Fingerprint()
    {
        var text = string.Join(";", Parts.OrderBy(p => p.InvoiceId).Select(p => $"{p.InvoiceId}:{p.Amount.ToString("0.####", CultureInfo.InvariantCulture)}"))
            + "|" + MethodId.ToString(CultureInfo.InvariantCulture);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}

/// <summary>One invoice and the amount it receives; <see cref="SeenVersion"/> is the invoice as the review page showed it.</summary>
public sealed record PlannedPart(long InvoiceId, decimal Amount, long? SeenVersion = null);

public abstract record AttemptStart
{
    /// <summary>Written and committed, reservations held: now charge it.</summary>
    public sealed record Created(PaymentAttempt Attempt) : AttemptStart;

    /// <summary>The confirm key was used before with the same payment: the first attempt, not charged again.</summary>
    public sealed record Replayed(PaymentAttempt Attempt) : AttemptStart;

    /// <summary>
    /// Nothing written and nothing charged; the field and the reason. <paramref name="NotPayable"/>: the method or
    /// an invoice is not one this payer may use here (another account's), which a page shows as not found.
    /// </summary>
    public sealed record Refused(string Field, string Message, bool NotPayable = false) : AttemptStart;
}

/// <summary>
/// Starts payment attempts and charges them. The attempt is written and committed before the gateway is
/// called (its id is the idempotency key), so that a crash after the charge leaves a row the reconciler
/// finds; the confirm key's unique row makes a repeated confirm find the first attempt.
/// </summary>
public sealed class PaymentAttempts(
    PortalDb db,
    IPaymentGateway gateway,
    PaymentOutcomes outcomes,
    ActivityLog activity,
    TimeProvider time,
    ILogger<PaymentAttempts> logger)
{
    /// <summary>The request that made an attempt charges it; the reconciler leaves it alone for this long.</summary>
    public static readonly TimeSpan RequestGrace = TimeSpan.FromMinutes(2);

    public async Task<AttemptStart> StartAsync(PaymentPlan plan, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(plan.ConfirmKey) || plan.ConfirmKey.Length > 100)
        {
            return new AttemptStart.Refused("confirmKey", "This confirmation is not valid; review the payment again.");
        }

        // A repeated confirm is not looked for up front: a fresh one (nearly every one) would read for nothing.
        // The repeat finds its first attempt inside the transaction instead: its invoices' versions moved (the
        // reservation), or its reservation no longer fits, or its confirm key, attempt id or payment key is
        // taken on insert; each of these refusals asks ReplayAsync first.
        var fingerprint = plan.Fingerprint();
        if (plan.Parts.Count == 0)
        {
            return new AttemptStart.Refused("invoices", "Choose at least one invoice to pay.");
        }

        if (plan.Parts.Select(p => p.InvoiceId).Distinct().Count() != plan.Parts.Count)
        {
            return new AttemptStart.Refused("invoices", "An invoice appears twice in the payment.");
        }

        for (var round = 0; ; round++)
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var method = await db.SavedPaymentMethods.AsNoTracking().FirstOrDefaultAsync(m => m.Id == plan.MethodId && m.AccountId == plan.AccountId, ct);
            if (method is null)
            {
                return await RefusedUnlessReplayAsync(plan.ConfirmKey, fingerprint, "method", "Choose one of the account's saved payment methods.", ct, notPayable: true);
            }

            if (method.Gateway != gateway.Name)
            {
                return await RefusedUnlessReplayAsync(plan.ConfirmKey, fingerprint, "method", "This payment method belongs to a gateway the portal no longer uses; add it again.", ct);
            }

            var ids = plan.Parts.Select(p => p.InvoiceId).ToList();
            var invoices = await db.Invoices.Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
            string? currency = null;
            for (var i = 0; i < plan.Parts.Count; i++)
            {
                var part = plan.Parts[i];
                var field = $"invoices[{i}]";
                // The account scope decided which accounts the payer may pay for; nothing else is taken.
                if (!invoices.TryGetValue(part.InvoiceId, out var invoice)
                    || (invoice.AccountId != plan.AccountId && plan.OtherAccounts?.Contains(invoice.AccountId) != true))
                {
                    return await RefusedUnlessReplayAsync(plan.ConfirmKey, fingerprint, field, "That invoice does not exist.", ct, notPayable: true);
                }

                currency ??= invoice.Currency;
                if (invoice.Currency != currency)
                {
                    return await RefusedUnlessReplayAsync(plan.ConfirmKey, fingerprint, field, $"Invoice {invoice.Number} is in {invoice.Currency}; one payment is in one currency.", ct);
                }

                if (part.Amount <= 0m)
                {
                    return await RefusedUnlessReplayAsync(plan.ConfirmKey, fingerprint, field, $"The amount for invoice {invoice.Number} must be greater than zero.", ct);
                }

                if (!Currencies.FitsMinorUnit(part.Amount, invoice.Currency))
                {
                    return await RefusedUnlessReplayAsync(plan.ConfirmKey, fingerprint, field, $"The amount for invoice {invoice.Number} has more decimals than {invoice.Currency} allows.", ct);
                }

                if (part.SeenVersion is long seen && seen != invoice.Version)
                {
                    return await RefusedUnlessReplayAsync(plan.ConfirmKey, fingerprint, "invoices", "The invoices changed since you reviewed this payment (another payment, a credit or an update). Review it again; nothing was charged.", ct);
                }

                if (Ledger.Ledger.Reserve(invoice, part.Amount, field) is LedgerResult.Refused refused)
                {
                    return await RefusedUnlessReplayAsync(plan.ConfirmKey, fingerprint, refused.Field, refused.Message, ct);
                }
            }

            var now = time.GetUtcNow().UtcDateTime;
            var attempt = new PaymentAttempt
            {
                Id = plan.AttemptId ?? Guid.NewGuid(),
                ConfirmKey = plan.ConfirmKey,
                Fingerprint = fingerprint,
                Origin = plan.Origin,
                UserId = plan.UserId,
                AccountId = plan.AccountId,
                Currency = currency!,
                Amount = plan.Parts.Sum(p => p.Amount),
                MethodId = method.Id,
                MethodToken = method.Token,
                MethodKind = method.Kind,
                MethodDetail = method.Detail,
                Gateway = gateway.Name,
                State = AttemptState.Pending,
                NextCheckAt = WorkerTime.Floor(now + RequestGrace),
                CreatedAt = now,
                UpdatedAt = now,
            };

            // One payment per account (a payment across accounts shares the charge), numbered from the attempt.
            var byAccount = plan.Parts.GroupBy(p => invoices[p.InvoiceId].AccountId).OrderBy(g => g.Key).ToList();
            var payments = new Dictionary<long, Payment>();
            for (var n = 0; n < byAccount.Count; n++)
            {
                var group = byAccount[n];
                var number = "W" + attempt.Id.ToString("N")[..10].ToUpperInvariant() + (byAccount.Count > 1 ? "-" + (n + 1).ToString(CultureInfo.InvariantCulture) : "");
                var amount = group.Sum(p => p.Amount);
                var payment = db.Payments.Add(new Payment
                {
                    // A temporary key that the parts below refer to: the payments, the attempt and its parts are
                    // inserted by one SaveChanges, which puts the payments' real ids into the parts.
                    Id = -1 - n,
                    AccountId = group.Key,
                    Number = number,
                    ReceivedAt = now,
                    Method = method.Kind,
                    MethodDetail = method.Detail,
                    Currency = attempt.Currency,
                    Amount = amount,
                    UnappliedAmount = amount,
                    Status = PaymentStatus.Pending,
                    Source = PaymentSource.Portal,
                    IdempotencyKey = attempt.Id.ToString("N") + "-" + group.Key.ToString(CultureInfo.InvariantCulture),
                    AttemptId = attempt.Id,
                    CreatedByUserId = plan.UserId,
                    CreatedAt = now,
                });
                payment.Property(p => p.Id).IsTemporary = true;
                payments[group.Key] = payment.Entity;
            }

            foreach (var part in plan.Parts)
            {
                var accountId = invoices[part.InvoiceId].AccountId;
                attempt.Parts.Add(new PaymentAttemptPart { AccountId = accountId, InvoiceId = part.InvoiceId, PaymentId = payments[accountId].Id, Amount = part.Amount });
            }

            db.PaymentAttempts.Add(attempt);
            activity.Record(plan.Origin == AttemptOrigin.Autopay ? "autopay.charge_started" : "payment.started", plan.UserId, plan.AccountId,
                $"{string.Join(", ", payments.Values.Select(p => p.Number))} {attempt.Amount.ToString(CultureInfo.InvariantCulture)} {attempt.Currency}");
            try
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return new AttemptStart.Created(attempt);
            }
            catch (Exception e) when (WriteConflicts.Is(e) && round < 8)
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                // Most often another click of the same confirm won the key: answer with its attempt.
                if (await ReplayAsync(plan.ConfirmKey, fingerprint, ct) is { } raced)
                {
                    return raced;
                }

                // Otherwise another payment changed one of the invoices first, or PostgreSQL broke a deadlock
                // with one by failing this transaction: check again with fresh figures.
                logger.LogInformation(e, "Payment attempt for key {Key}: conflict, round {Round}; reading the invoices again.", plan.ConfirmKey, round);
            }
        }
    }

    /// <summary>
    /// Charges a pending attempt at the gateway with the attempt's id as idempotency key, and records the
    /// answer. An unknown outcome (timeout, 409, 5xx) leaves the attempt pending for the reconciler.
    /// Reads the attempt and its account's number first: for a caller that holds only the id (autopay).
    /// </summary>
    public async Task<AttemptState> ChargeAsync(Guid attemptId, CancellationToken ct)
    {
        var attempt = await db.PaymentAttempts.AsNoTracking().Include(a => a.Parts).SingleAsync(a => a.Id == attemptId, ct);
        if (attempt.State != AttemptState.Pending)
        {
            return attempt.State;
        }

        var accountNumber = await db.Accounts.Where(a => a.Id == attempt.AccountId).Select(a => a.Number).SingleAsync(ct);
        return await ChargeAsync(attempt, accountNumber, ct);
    }

    /// <summary>
    /// Charges the attempt that <see cref="StartAsync"/> just created and committed (state Pending, with its
    /// parts), for the request that holds it and the number of its account: nothing is read again before
    /// the gateway is called, and the outcome is recorded from the attempt as it was written (the record
    /// still moves it only if nobody else has since).
    /// </summary>
    public async Task<AttemptState> ChargeAsync(PaymentAttempt attempt, string accountNumber, CancellationToken ct)
    {
        if (attempt.State != AttemptState.Pending)
        {
            throw new InvalidOperationException($"Payment attempt {attempt.Id} is {attempt.State}, not pending; only a pending attempt is charged.");
        }

        var attemptId = attempt.Id;
        var request = new ChargeRequest(attempt.Id.ToString("N"), accountNumber, attempt.MethodToken,
            MinorUnits.From(attempt.Amount, attempt.Currency), attempt.Currency, OffSession: attempt.Origin == AttemptOrigin.Autopay,
            ReturnUrl: "/pay/done/" + attempt.Id.ToString("N"));
        ChargeResult result;
        try
        {
            result = await gateway.ChargeAsync(request, ct);
        }
        catch (GatewayRequestRefusedException e)
        {
            // Refused before it executed: nothing was charged.
            result = new ChargeResult(ChargeStatus.Declined, DeclineCode: e.Code, Message: e.Message);
        }
        catch (Exception e) when (e is GatewayUnknownOutcomeException or HttpRequestException or TimeoutException
                                      || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning(e, "Payment attempt {Attempt}: outcome unknown; the reconciler will ask the gateway.", attemptId);
            var message = e.Message.Length > 500 ? e.Message[..500] : e.Message;
            await db.PaymentAttempts.Where(a => a.Id == attemptId && a.State == AttemptState.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(a => a.LastCheckError, message), CancellationToken.None);
            return AttemptState.Pending;
        }

        // Recording must not be abandoned half way because the customer closed the tab.
        return await outcomes.RecordAsync(attemptId, result, "request", attempt, CancellationToken.None);
    }

    /// <summary>
    /// A refusal met inside the transaction may be this very confirm's first attempt, committed a moment
    /// ago by another click (it holds the reservation): then the answer is that attempt, not a refusal.
    /// </summary>
    private async Task<AttemptStart> RefusedUnlessReplayAsync(string confirmKey, string fingerprint, string field, string message, CancellationToken ct, bool notPayable = false) =>
        await ReplayAsync(confirmKey, fingerprint, ct) ?? new AttemptStart.Refused(field, message, notPayable);

    private async Task<AttemptStart?> ReplayAsync(string confirmKey, string fingerprint, CancellationToken ct)
    {
        var existing = await db.PaymentAttempts.AsNoTracking().FirstOrDefaultAsync(a => a.ConfirmKey == confirmKey, ct);
        return existing is null ? null
            : existing.Fingerprint == fingerprint ? new AttemptStart.Replayed(existing)
            : new AttemptStart.Refused("confirmKey", "This confirmation was already used for a different payment; review the payment again. Nothing was charged.");
    }
}
