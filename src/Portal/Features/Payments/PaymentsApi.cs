using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Invoices;
using Portal.Features.Ledger;
using Portal.Infrastructure.Api;

namespace Portal.Features.Payments;

/// <summary>
/// <c>/api/v1/payments/{externalId}</c>: payments recorded in the billing system (a check, a wire, a card
/// taken by phone) and their allocations to invoices. Only a succeeded payment is allocated; one that
/// fails or is refunded releases its allocations. The <c>allocations</c> sent are the whole set, with the
/// same release-and-reapply semantics as credit memos; re-sending the same body changes nothing.
/// </summary>
public static partial class PaymentsApi
{
    public sealed record PaymentRequest
    {
        /// <summary>The account's externalId.</summary>
        [Required]
        public string? Account { get; init; }

        /// <summary>The reference the customer sees on the receipt; unique across payments.</summary>
        [Required]
        public string? Number { get; init; }

        /// <summary>With an offset (e.g. 2026-11-02T15:30:00Z); not in the future.</summary>
        [Required]
        public DateTimeOffset? ReceivedAt { get; init; }

        [Required]
        public PaymentMethodKind? Method { get; init; }

        /// <summary>What identifies the method to a person, e.g. "Check 10452"; never a full card or account number.</summary>
        public string? MethodDetail { get; init; }

        /// <summary>Greater than zero, in the currency's minor unit.</summary>
        [Required]
        public decimal? Amount { get; init; }

        /// <summary>Must be the account's currency.</summary>
        [Required]
        public string? Currency { get; init; }

        /// <summary>succeeded when absent. Only a succeeded payment may carry allocations.</summary>
        public PaymentStatus? Status { get; init; }

        public string? FailureReason { get; init; }

        /// <summary>Every invoice the payment pays, and how much; what is left is unapplied.</summary>
        public List<AllocationRequest?>? Allocations { get; init; }
    }

    public sealed record PaymentResponse(
        string ExternalId,
        string Account,
        string Number,
        DateTime ReceivedAt,
        PaymentMethodKind Method,
        string? MethodDetail,
        string Currency,
        decimal Amount,
        decimal UnappliedAmount,
        PaymentStatus Status,
        string? FailureReason,
        IReadOnlyList<AllocationResponse> Allocations,
        DateTime CreatedAt);

    public static RouteGroupBuilder MapPaymentsApi(this RouteGroupBuilder api)
    {
        api.MapPut("/payments/{externalId}", PutAsync)
            .WithName("PutPayment")
            .WithSummary("Creates or updates a payment recorded in the billing system, with its allocations to invoices.")
            .WithDescription("201 with a Location header when new, 200 when updated. A changed amount, status or set of allocations releases the old allocations and applies the new ones in one transaction; a failed or refunded payment allocates nothing. 409 for a duplicate number, a change of account, a payment made in the portal, or allocations the invoices cannot take as they are now (errors names the item).")
            .Accepts<PaymentRequest>("application/json")
            .ProducesUpsertProblems();
        api.MapGet("/payments/{externalId}", GetAsync)
            .WithName("GetPayment")
            .WithSummary("The payment as the portal stores it, with its allocations and unapplied amount.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Produces(StatusCodes.Status401Unauthorized);
        return api;
    }

    private static Task<Results<Created<PaymentResponse>, Ok<PaymentResponse>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string externalId, HttpRequest request, [AsParameters] UpsertServices services, Ledger.Ledger ledger, CancellationToken ct) =>
        UpsertEndpoint.HandleAsync<PaymentRequest, PaymentResponse>(request, $"/api/v1/payments/{Uri.EscapeDataString(externalId)}", body => UpsertAsync(services, ledger, externalId, body, ct), ct);

    private static readonly DocumentWords Words = new("payment");

    /// <summary>The upsert itself, shared by the API and the CSV import.</summary>
    public static async Task<UpsertOutcome<PaymentResponse>> UpsertAsync(UpsertServices services, Ledger.Ledger ledger, string externalId, PaymentRequest body, CancellationToken ct)
    {
        var (db, time, _) = services;
        var now = ApiWrites.Now(time);
        var e = new ApiErrors();
        e.ExternalId("externalId", externalId);
        var accountExternalId = e.Text("account", body.Account, 100, required: true);
        var number = e.Text("number", body.Number, 50, required: true);
        var receivedAt = e.Required("receivedAt", body.ReceivedAt).UtcDateTime;
        if (body.ReceivedAt is not null && (receivedAt > now.AddDays(1) || receivedAt.Year < 2000))
        {
            e.Add("receivedAt", "Not a plausible date for a payment received (it cannot be in the future).");
        }

        var method = e.Required("method", body.Method);
        var methodDetail = e.Text("methodDetail", body.MethodDetail, 100);
        if (methodDetail is not null && FullNumber().IsMatch(methodDetail))
        {
            e.Add("methodDetail", "Must not carry a full card or account number; send the last four digits at most.");
        }

        var currency = e.Currency("currency", body.Currency);
        var amount = e.Amount("amount", body.Amount, currency, positive: true);
        var status = body.Status ?? PaymentStatus.Succeeded;
        var failureReason = e.Text("failureReason", body.FailureReason, 500, multiline: true);
        var items = ApiAllocations.Read(e, "allocations", body.Allocations, currency);
        if (items.Sum(i => i.Amount) > amount && !e.AnyUnder("allocations"))
        {
            e.Add("allocations", "The items add up to more than the payment's amount.");
        }
        if (status != PaymentStatus.Succeeded && items.Count > 0)
        {
            e.Add("allocations", "Only a succeeded payment is allocated to invoices; send an empty list.");
        }

        var account = await e.AccountAsync(db, "account", accountExternalId, ct);
        if (account is not null && currency is not null && account.Currency != currency)
        {
            e.Add("currency", $"The account bills in {account.Currency}, not {currency}.");
        }

        if (e.Any)
        {
            return new UpsertOutcome<PaymentResponse>.Invalid(e);
        }

        var parts = await ApiAllocations.ResolveAsync(db, e, "allocations", items, account!.Id, ct);
        if (e.Any)
        {
            return new UpsertOutcome<PaymentResponse>.Invalid(e);
        }

        var payment = await db.Payments.Include(p => p.Allocations.OrderBy(a => a.Id)).ThenInclude(a => a.Invoice)
            .FirstOrDefaultAsync(p => p.ExternalId == externalId, ct);
        // A portal payment sent back by its number links (PaymentsApiPortalLink.cs), never duplicates.
        if ((payment is null || payment.Source == PaymentSource.Portal)
            && await LinkPortalPaymentAsync(db, externalId, number!, account.Id, accountExternalId!, amount, currency!, ct) is { } linked)
        {
            return linked;
        }

        if (payment is { Source: PaymentSource.Portal })
        {
            return new UpsertOutcome<PaymentResponse>.Conflict("Payment made in the portal", $"Payment '{externalId}' was made in the portal; the billing system cannot change it.");
        }

        if (payment is not null && payment.AccountId != account.Id)
        {
            return ApiWrites.OtherAccount<PaymentResponse>(Words, externalId);
        }

        if (await ApiWrites.DuplicateNumberAsync<Payment, PaymentResponse>(db.Payments, payment, externalId, number!, Words, ct) is { } duplicate)
        {
            return duplicate;
        }

        var isNew = payment is null;
        var ledgerChanges = isNew || payment!.Amount != amount || payment.Status != status
            || !ApiAllocations.Same(payment.Allocations.Select(a => (a.InvoiceId, a.Amount)), parts);
        payment ??= db.Payments.Add(new Payment
        {
            AccountId = account.Id,
            ExternalId = externalId,
            Number = number!,
            Currency = currency!,
            Source = PaymentSource.BillingSystem,
            CreatedAt = now,
        }).Entity;
        payment.Number = number!;
        payment.ReceivedAt = receivedAt;
        payment.Method = method;
        payment.MethodDetail = methodDetail;
        payment.Currency = currency!;
        payment.FailureReason = failureReason;
        if (ledgerChanges)
        {
            if (!isNew)
            {
                ledger.ReleasePayment(payment, new Dictionary<long, Invoice>());
            }

            payment.Amount = amount;
            payment.UnappliedAmount = amount;
            payment.Status = status;
            if (ledger.AllocatePayment(payment, parts) is Ledger.LedgerResult.Refused refused)
            {
                return ApiAllocations.Refused<PaymentResponse>(refused);
            }
        }

        var changed = !isNew && ApiWrites.HasChanges(db);
        if (await ApiWrites.SaveAsync<PaymentResponse>(db, services.Log, ct) is { } conflict)
        {
            return conflict;
        }

        var response = ToResponse(payment, accountExternalId!, payment.Allocations.Select(a => ApiAllocations.ToResponse(a.Invoice!, a.Amount)).ToList());
        return isNew ? new UpsertOutcome<PaymentResponse>.Created(response) : new UpsertOutcome<PaymentResponse>.Updated(response, changed);
    }

    private static async Task<Results<Ok<PaymentResponse>, ProblemHttpResult>> GetAsync(string externalId, PortalDb db, CancellationToken ct)
    {
        var row = await db.Payments.AsNoTracking()
            .Where(p => p.ExternalId == externalId)
            .Select(p => new
            {
                Payment = p,
                Account = db.Accounts.Where(a => a.Id == p.AccountId).Select(a => a.ExternalId).First(),
                Allocations = p.Allocations.OrderBy(a => a.Id).Select(a => new AllocationResponse(a.Invoice!.ExternalId, a.Invoice.Number, a.Amount)).ToList(),
            })
            .FirstOrDefaultAsync(ct);
        return row is null
            ? ApiProblems.NotFound("Payment", $"No payment has externalId '{externalId}'.")
            : TypedResults.Ok(ToResponse(row.Payment, row.Account, row.Allocations));
    }

    private static PaymentResponse ToResponse(Payment p, string account, IReadOnlyList<AllocationResponse> allocations) => new(
        p.ExternalId!, account, p.Number, p.ReceivedAt, p.Method, p.MethodDetail, p.Currency, p.Amount, p.UnappliedAmount, p.Status, p.FailureReason, allocations, p.CreatedAt);

    // Thirteen or more digits in a row (spaces and dashes allowed between them) is a card or account number.
    [GeneratedRegex(@"\d(?:[ -]?\d){12,}")]
    private static partial Regex FullNumber();
}
