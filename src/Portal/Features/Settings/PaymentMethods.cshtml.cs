using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Autopay;
using Portal.Features.Operator;
using Portal.Features.Payments;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Events;
using Portal.Infrastructure.Payments;
using Portal.Resources;

namespace Portal.Features.Settings;

/// <summary>
/// <c>/settings/payment-methods</c>: the current account's saved cards and bank accounts (add through the
/// gateway's own page, delete, choose the default) and its autopay switch. Removing the method autopay
/// relies on asks first and pauses autopay; another method is never promoted silently.
/// </summary>
[RequiresPermission(Permissions.Pay)]
[RequiresFeature(PortalFeature.Payments)]
public sealed class PaymentMethodsModel(
    PortalDb db,
    IPaymentGateway gateway,
    AutopaySwitch autopay,
    IntegrationEvents events,
    ActivityLog activity,
    OperatorClock clock,
    OperatorSettingsCache operatorSettings,
    ILogger<PaymentMethodsModel> logger,
    IStringLocalizer<SharedResource> l) : PageModel
{
    public const int Limit = 50;

    public IReadOnlyList<MethodRow> Methods { get; private set; } = [];

    public AutopayView? Autopay { get; private set; }

    /// <summary>The method whose removal waits for the customer's confirmation (autopay relies on it).</summary>
    public MethodRow? ConfirmRemoval { get; private set; }

    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? setup, CancellationToken ct)
    {
        if (setup is not null)
        {
            // Back from the gateway's page: keep the method once, then show the list without the reference.
            var account = HttpContext.CurrentAccount();
            var saved = await PaymentMethodSaving.SaveAsync(db, gateway, HttpContext, account, setup, ct);
            TempData["Settings.Status"] = saved is null
                ? l["The payment method could not be read back from the gateway; add it again."].Value
                : l["{0} is saved.", saved.Detail].Value;
            return RedirectToPage();
        }

        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Off to the gateway's own page; it sends the customer back here with the setup reference.</summary>
    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        var settings = await operatorSettings.GetAsync(ct);
        var kinds = new List<GatewayMethodKind>();
        if (settings.CardPaymentsEnabled)
        {
            kinds.Add(GatewayMethodKind.Card);
        }

        if (settings.BankPaymentsEnabled)
        {
            kinds.Add(GatewayMethodKind.BankAccount);
        }

        if (kinds.Count == 0)
        {
            await LoadAsync(ct);
            ModelState.AddModelError("", l["No payment method type is offered at the moment."]);
            return Page();
        }

        var setup = await gateway.StartSetupAsync(HttpContext.CurrentAccount().Number, kinds, "/settings/payment-methods", ct);
        return Redirect(setup.RedirectUrl);
    }

    public async Task<IActionResult> OnPostSetDefaultAsync(long methodId, CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var method = await db.SavedPaymentMethods.AsNoTracking().FirstOrDefaultAsync(m => m.Id == methodId && m.AccountId == account.Id, ct);
        if (method is null)
        {
            return NotFound();
        }

        if (method.IsExpired(await clock.TodayAsync(ct)))
        {
            await LoadAsync(ct);
            ModelState.AddModelError("", l["{0} has expired; it cannot be the default.", method.Detail]);
            return Page();
        }

        if (!method.IsDefault)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // One default per account (a unique index): the old one first, then the new one.
            await db.SavedPaymentMethods.Where(m => m.AccountId == account.Id && m.IsDefault)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.IsDefault, false), ct);
            await db.SavedPaymentMethods.Where(m => m.Id == method.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.IsDefault, true), ct);
            activity.Record("payment_method.default", UserId, account.Id, method.Detail);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        TempData["Settings.Status"] = l["{0} is now the default.", method.Detail].Value;
        return RedirectToPage();
    }

    /// <summary>Removes a method; the one autopay relies on is removed only once the customer confirmed, and pauses autopay.</summary>
    public async Task<IActionResult> OnPostDeleteAsync(long methodId, bool confirmed, CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var method = await db.SavedPaymentMethods.FirstOrDefaultAsync(m => m.Id == methodId && m.AccountId == account.Id, ct);
        if (method is null)
        {
            return NotFound();
        }

        var enrollment = await autopay.FindAsync(account.Id, ct);
        var autopayRelies = method.IsDefault && enrollment?.State == AutopayState.On;
        if (autopayRelies && !confirmed)
        {
            await LoadAsync(ct);
            ConfirmRemoval = Methods.FirstOrDefault(m => m.Id == method.Id);
            return Page();
        }

        var paused = false;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.SavedPaymentMethods.Remove(method);
            if (method.IsDefault)
            {
                paused = await autopay.PauseAsync(account.Id, UserId, "The default payment method was removed.", ct);
            }

            var externalId = await db.Accounts.Where(a => a.Id == account.Id).Select(a => a.ExternalId).SingleAsync(ct);
            events.Record("payment_method.removed", account.Id, externalId,
                new { kind = method.Kind.ToString().ToLowerInvariant(), brand = method.Brand, last4 = method.Last4, wasDefault = method.IsDefault });
            activity.Record("payment_method.removed", UserId, account.Id, method.Detail);
            try
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Removed by another click or another user a moment ago.
                TempData["Settings.Status"] = l["{0} was already removed.", method.Detail].Value;
                return RedirectToPage();
            }
        }

        try
        {
            // The portal forgot it; the gateway forgetting it too is tidiness, not safety (it can no longer be charged from here).
            await gateway.DeleteMethodAsync(method.Token, ct);
        }
        catch (Exception e) when (e is HttpRequestException or GatewayUnknownOutcomeException or GatewayRequestRefusedException or TimeoutException)
        {
            logger.LogWarning(e, "Payment method {Id} removed in the portal but not at the gateway.", method.Id);
        }

        TempData["Settings.Status"] = paused
            ? l["{0} is removed. Autopay is paused: choose a default payment method and turn autopay on again.", method.Detail].Value
            : l["{0} is removed.", method.Detail].Value;
        return RedirectToPage();
    }

    [RequiresFeature(PortalFeature.Autopay)]
    public async Task<IActionResult> OnPostAutopayAsync(bool on, CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        if (on)
        {
            var today = await clock.TodayAsync(ct);
            var method = await db.SavedPaymentMethods.AsNoTracking()
                .FirstOrDefaultAsync(m => m.AccountId == account.Id && m.IsDefault && m.Gateway == gateway.Name, ct);
            if (method is null || method.IsExpired(today))
            {
                await LoadAsync(ct);
                ModelState.AddModelError("on", method is null
                    ? l["Autopay needs a default payment method: add one or choose the default first."]
                    : l["The default payment method has expired: choose another default first."]);
                return Page();
            }

            await autopay.EnableAsync(account.Id, UserId, method.Detail, ct);
        }
        else
        {
            await autopay.DisableAsync(account.Id, UserId, ct);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another user switched it at the same moment: show what it is now.
            db.ChangeTracker.Clear();
            await LoadAsync(ct);
            ModelState.AddModelError("on", l["Autopay was changed by someone else a moment ago; here is how it stands now."]);
            return Page();
        }

        TempData["Settings.Status"] = on ? l["Autopay is on."].Value : l["Autopay is off."].Value;
        return RedirectToPage();
    }

    private string? UserId => User.FindFirstValue(ClaimTypes.NameIdentifier);

    private async Task LoadAsync(CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var today = await clock.TodayAsync(ct);
        var methods = await db.SavedPaymentMethods.AsNoTracking()
            .Where(m => m.AccountId == account.Id && m.Gateway == gateway.Name)
            .OrderByDescending(m => m.IsDefault).ThenBy(m => m.Id)
            .Take(Limit)
            .ToListAsync(ct);
        Methods = methods.Select(m => new MethodRow(m.Id, m.Kind, m.Brand, m.Last4, m.ExpiryMonth, m.ExpiryYear, m.Holder, m.IsDefault, m.IsExpired(today))).ToList();
        var settings = await operatorSettings.GetAsync(ct);
        if (settings.IsOn(PortalFeature.Autopay))
        {
            var enrollment = await db.AutopayEnrollments.AsNoTracking().FirstOrDefaultAsync(e => e.AccountId == account.Id, ct);
            Autopay = new AutopayView(enrollment?.State ?? AutopayState.Off, enrollment?.PausedReason, settings.AutopayReminderDays);
        }
    }

    public sealed record MethodRow(long Id, PaymentMethodKind Kind, string Brand, string Last4, int? ExpiryMonth, int? ExpiryYear, string? Holder, bool IsDefault, bool Expired)
    {
        public string Detail => $"{Brand} ending {Last4}";
    }

    public sealed record AutopayView(AutopayState State, string? PausedReason, int ReminderDays);
}
