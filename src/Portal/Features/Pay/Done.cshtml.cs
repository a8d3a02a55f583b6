using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Features.Payments;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Payments;

namespace Portal.Features.Pay;

/// <summary>
/// <c>/pay/done/{attempt}</c>: where a confirm lands, and where the gateway sends the customer back after
/// a 3-D Secure step. Shows the receipt numbers, the decline, or that the outcome is still being confirmed.
/// Coming back from the gateway, the answer is fetched and recorded through the one outcome function.
/// </summary>
[RequiresPermission(Permissions.Pay)]
[RequiresPermission(Permissions.SeeMoney)]
[RequiresFeature(PortalFeature.Payments)]
public sealed class DoneModel(PortalDb db, IPaymentGateway gateway, PaymentOutcomes outcomes) : PageModel
{
    public AttemptView Attempt { get; private set; } = null!;

    public IReadOnlyList<ReceiptLine> Receipts { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string attemptId, CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        if (!Guid.TryParseExact(attemptId, "N", out var id))
        {
            return NotFound();
        }

        var row = await db.PaymentAttempts.AsNoTracking()
            .Where(a => a.Id == id && a.AccountId == account.Id)
            .Select(a => new { a.State, a.ActionUrl })
            .SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return NotFound();
        }

        if (row.State == AttemptState.RequiresAction)
        {
            // Back from the gateway's confirmation step (or a reload): ask it, never trust the query string.
            try
            {
                var result = await gateway.FindChargeAsync(id.ToString("N"), ct);
                if (result.Status != ChargeStatus.NotFound)
                {
                    await outcomes.RecordAsync(id, result, "return", CancellationToken.None);
                }
            }
            catch (GatewayUnknownOutcomeException)
            {
                // The reconciler asks again later.
            }
        }

        Attempt = await db.PaymentAttempts.AsNoTracking()
            .Where(a => a.Id == id)
            .Select(a => new AttemptView(a.Id, a.State, a.Amount, a.Currency, a.MethodDetail, a.FailureReason, a.ActionUrl))
            .SingleAsync(ct);
        Receipts = await db.Payments.AsNoTracking()
            .Where(p => p.AttemptId == id)
            .OrderBy(p => p.Number)
            .Select(p => new ReceiptLine(p.Number, p.AccountId == account.Id, p.Amount, p.Currency))
            .ToListAsync(ct);
        return Page();
    }

    public sealed record AttemptView(Guid Id, AttemptState State, decimal Amount, string Currency, string MethodDetail, string? FailureReason, string? ActionUrl);

    public sealed record ReceiptLine(string Number, bool OwnAccount, decimal Amount, string Currency);
}
