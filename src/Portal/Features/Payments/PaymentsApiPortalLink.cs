using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Ledger;
using Portal.Infrastructure.Api;

namespace Portal.Features.Payments;

// Kept apart from the upsert's plumbing (PaymentsApi.cs) on purpose: the upsert calls this one hook.
public static partial class PaymentsApi
{
    /// <summary>
    /// The billing system heard of a portal payment (<c>payment.succeeded</c>) and sends it back under its
    /// own id, naming the portal's payment number: that links the two, it is never a second payment. The
    /// portal payment keeps its state and allocations (the portal recorded them); only the external id is
    /// set. Null when the number is not a portal payment's.
    /// </summary>
    private static async Task<UpsertOutcome<PaymentResponse>?> LinkPortalPaymentAsync(
        PortalDb db, string externalId, string number, long accountId, string accountExternalId, decimal amount, string currency, CancellationToken ct)
    {
        var portal = await db.Payments.Include(p => p.Allocations.OrderBy(a => a.Id)).ThenInclude(a => a.Invoice)
            .FirstOrDefaultAsync(p => p.Number == number && p.Source == PaymentSource.Portal, ct);
        if (portal is null)
        {
            return null;
        }

        if (portal.AccountId != accountId)
        {
            return new UpsertOutcome<PaymentResponse>.Conflict("Payment belongs to another account", $"Portal payment '{number}' belongs to another account.");
        }

        if (portal.ExternalId is not null && portal.ExternalId != externalId)
        {
            return new UpsertOutcome<PaymentResponse>.Conflict("Payment already linked", $"Portal payment '{number}' is already linked to externalId '{portal.ExternalId}'.");
        }

        if (portal.Amount != amount || portal.Currency != currency)
        {
            return new UpsertOutcome<PaymentResponse>.Conflict("Payment made in the portal", $"Portal payment '{number}' is {portal.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture)} {portal.Currency}; the billing system cannot change it.");
        }

        var changed = portal.ExternalId is null;
        if (changed)
        {
            portal.ExternalId = externalId;
            await db.SaveChangesAsync(ct);
        }

        return new UpsertOutcome<PaymentResponse>.Updated(
            ToResponse(portal, accountExternalId, portal.Allocations.Select(a => ApiAllocations.ToResponse(a.Invoice!, a.Amount)).ToList()), changed);
    }
}
