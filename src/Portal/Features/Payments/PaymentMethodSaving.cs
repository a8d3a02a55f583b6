using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Events;
using Portal.Infrastructure.Payments;

namespace Portal.Features.Payments;

/// <summary>Keeps a method the customer just entered at the gateway: its token and display fields, once.</summary>
public static class PaymentMethodSaving
{
    /// <summary>
    /// Reads the finished setup back from the gateway and saves it for the account (the first method
    /// becomes the default); returns the saved row, or null when the gateway does not know the setup.
    /// Coming back twice with the same setup saves it once.
    /// </summary>
    public static async Task<SavedPaymentMethod?> SaveAsync(PortalDb db, IPaymentGateway gateway, HttpContext http, CurrentAccount account, string setup, CancellationToken ct)
    {
        if (setup.Length > 100)
        {
            return null;
        }

        var method = await gateway.ReadSetupAsync(account.Number, setup, ct);
        if (method is null)
        {
            return null;
        }

        var existing = await db.SavedPaymentMethods.FirstOrDefaultAsync(m => m.Gateway == gateway.Name && m.Token == method.Token, ct);
        if (existing is not null)
        {
            return existing.AccountId == account.Id ? existing : null;
        }

        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var saved = new SavedPaymentMethod
        {
            AccountId = account.Id,
            Gateway = gateway.Name,
            Token = method.Token,
            Kind = method.Kind == GatewayMethodKind.Card ? PaymentMethodKind.Card : PaymentMethodKind.BankAccount,
            Brand = method.Brand,
            Last4 = method.Last4,
            ExpiryMonth = method.ExpiryMonth,
            ExpiryYear = method.ExpiryYear,
            Holder = method.Holder,
            IsDefault = !await db.SavedPaymentMethods.AnyAsync(m => m.AccountId == account.Id && m.IsDefault, ct),
            CreatedByUserId = http.User.FindFirstValue(ClaimTypes.NameIdentifier),
            CreatedAt = now,
        };
        db.SavedPaymentMethods.Add(saved);
        var externalId = await db.Accounts.Where(a => a.Id == account.Id).Select(a => a.ExternalId).SingleAsync(ct);
        http.RequestServices.GetRequiredService<IntegrationEvents>().Record("payment_method.added", account.Id, externalId,
            new { kind = saved.Kind.ToString().ToLowerInvariant(), brand = saved.Brand, last4 = saved.Last4, expiryMonth = saved.ExpiryMonth, expiryYear = saved.ExpiryYear, isDefault = saved.IsDefault });
        http.RequestServices.GetRequiredService<ActivityLog>().Record("payment_method.added", saved.CreatedByUserId, account.Id, saved.Detail);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same return twice at once (a double click), or two first methods racing for the default.
            db.ChangeTracker.Clear();
            return await db.SavedPaymentMethods.AsNoTracking()
                .FirstOrDefaultAsync(m => m.Gateway == gateway.Name && m.Token == method.Token && m.AccountId == account.Id, ct);
        }

        return saved;
    }
}
