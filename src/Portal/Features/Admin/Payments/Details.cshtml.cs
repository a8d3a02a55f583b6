using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Payments;

namespace Portal.Features.Admin.Payments;

/// <summary>
/// <c>/admin/payments/{number}</c>: one payment with its allocations, the gateway's reference, the keys
/// (the payment's idempotency key, the attempt id that is the gateway's idempotency key, the confirm key),
/// the attempt with its reconciliation state, and the other payments the same charge made.
/// </summary>
public sealed class DetailsModel(PortalDb db) : PageModel
{
    public PaymentView Payment { get; private set; } = null!;

    public IReadOnlyList<AllocationLine> Allocations { get; private set; } = [];

    public PaymentAttempt? Attempt { get; private set; }

    /// <summary>The attempt's parts (what it reserved or applied, per invoice).</summary>
    public IReadOnlyList<PartLine> Parts { get; private set; } = [];

    /// <summary>Other payments of the same charge (a payment across accounts).</summary>
    public IReadOnlyList<SiblingLine> Siblings { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct)
    {
        var payment = await db.Payments.AsNoTracking()
            .Where(p => p.Number == number)
            .Select(p => new PaymentView(p.Id, p.Number, p.AccountId, db.Accounts.Where(a => a.Id == p.AccountId).Select(a => a.Number + " · " + a.Name).First(),
                p.ReceivedAt, p.CreatedAt, p.Status, p.Source, p.Method, p.MethodDetail, p.Currency, p.Amount, p.UnappliedAmount,
                p.ExternalId, p.IdempotencyKey, p.GatewayReference, p.AttemptId, p.FailureReason))
            .SingleOrDefaultAsync(ct);
        if (payment is null)
        {
            return NotFound();
        }

        Payment = payment;
        Allocations = await db.PaymentAllocations.AsNoTracking()
            .Where(a => a.PaymentId == payment.Id)
            .OrderBy(a => a.Id)
            .Select(a => new AllocationLine(a.Invoice!.Number, a.Amount))
            .ToListAsync(ct);
        if (payment.AttemptId is Guid attemptId)
        {
            Attempt = await db.PaymentAttempts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == attemptId, ct);
            Parts = await db.PaymentAttemptParts.AsNoTracking()
                .Where(p => p.AttemptId == attemptId && p.PaymentId == payment.Id)
                .OrderBy(p => p.Id)
                .Select(p => new PartLine(db.Invoices.Where(i => i.Id == p.InvoiceId).Select(i => i.Number).First(), p.Amount))
                .ToListAsync(ct);
            Siblings = await db.Payments.AsNoTracking()
                .Where(p => p.AttemptId == attemptId && p.Id != payment.Id)
                .OrderBy(p => p.Number)
                .Select(p => new SiblingLine(p.Number, db.Accounts.Where(a => a.Id == p.AccountId).Select(a => a.Number).First(), p.Amount, p.Currency, p.Status))
                .ToListAsync(ct);
        }

        return Page();
    }

    public sealed record PaymentView(
        long Id, string Number, long AccountId, string Account, DateTime ReceivedAt, DateTime CreatedAt, PaymentStatus Status, PaymentSource Source,
        PaymentMethodKind Method, string? MethodDetail, string Currency, decimal Amount, decimal UnappliedAmount,
        string? ExternalId, string? IdempotencyKey, string? GatewayReference, Guid? AttemptId, string? FailureReason);

    public sealed record AllocationLine(string Invoice, decimal Amount);

    public sealed record PartLine(string Invoice, decimal Amount);

    public sealed record SiblingLine(string Number, string Account, decimal Amount, string Currency, PaymentStatus Status);
}
