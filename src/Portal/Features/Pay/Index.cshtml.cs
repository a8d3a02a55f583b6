using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Features.Payments;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Payments;
using Portal.Resources;

namespace Portal.Features.Pay;

/// <summary>
/// <c>/pay</c>: choose invoices (a partial amount allowed) or an amount for the oldest first, choose a
/// saved method or add one at the gateway (coming back to the same selection), review exactly what
/// each invoice receives, confirm. The review page carries a confirm key minted when it is drawn; the
/// attempt claims it, so a double click or a replay charges once. <c>/pay?scope=all</c> lists the open
/// invoices of every account the user may pay for, per account, and makes one charge that becomes one
/// payment per account (the method is one of the current account's).
/// </summary>
[RequiresPermission(Permissions.Pay)]
[RequiresPermission(Permissions.SeeMoney)]
[RequiresFeature(PortalFeature.Payments)]
public sealed class IndexModel(
    PortalDb db,
    PaymentAttempts attempts,
    IPaymentGateway gateway,
    OperatorClock clock,
    OperatorSettingsCache operatorSettings,
    IStringLocalizer<SharedResource> l) : PageModel
{
    /// <summary>More open invoices than this are paid by amount (oldest first) rather than listed.</summary>
    public const int ListLimit = 200;

    /// <summary>"invoices" (choose) or "amount" (oldest first).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Mode { get; set; }

    /// <summary>The chosen invoices as "id:amount,id:amount" (the selection survives a trip to the gateway).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Sel { get; set; }

    /// <summary>An invoice number to preselect (the invoice page's Pay link).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Invoice { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Total { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? MethodId { get; set; }

    /// <summary>The gateway's setup reference when the customer comes back from adding a method.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Setup { get; set; }

    /// <summary>"all": every account the user may pay for, together.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Scope { get; set; }

    public bool AllAccounts => Scope == "all";

    // Named, so that a form without these fields (the confirm, the review of an amount) binds them empty:
    // unnamed, the binder falls back to the empty prefix and tries every other field of the form as a
    // dictionary key, throwing and catching a FormatException for each (seen in the confirm's profile).
    [BindProperty(Name = nameof(Pick))]
    public List<long> Pick { get; set; } = [];

    [BindProperty(Name = nameof(Amount))]
    public Dictionary<long, string> Amount { get; set; } = [];

    [BindProperty]
    public string? ConfirmKey { get; set; }

    /// <summary>The reviewed parts as "id:amount:version,..."; what the confirm sends.</summary>
    [BindProperty]
    public string? Reviewed { get; set; }

    public string Currency { get; private set; } = "";

    public IReadOnlyList<OpenInvoice> Invoices { get; private set; } = [];

    public IReadOnlyList<MethodOption> Methods { get; private set; } = [];

    public IReadOnlyList<ReviewLine> Review { get; private set; } = [];

    public bool Reviewing { get; private set; }

    public bool TooMany { get; private set; }

    public string? Notice { get; private set; }

    /// <summary>The accounts whose invoices are listed (only the current one unless <see cref="AllAccounts"/>).</summary>
    public IReadOnlyList<UserAccount> Accounts { get; private set; } = [];

    /// <summary>What is left to pay on the listed accounts, one figure per currency.</summary>
    public IReadOnlyList<CurrencyAmount> OpenTotals { get; private set; } = [];

    /// <summary>The user may pay for other accounts too: offer paying them together.</summary>
    public bool OthersPayable { get; private set; }

    public string AccountName(long id) => Accounts.FirstOrDefault(a => a.Id == id) is { } a ? $"{a.Name} ({a.Number})" : "";

    public MethodOption? ChosenMethod => Methods.FirstOrDefault(m => m.Id == MethodId);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await ForeignMethodAsync(ct))
        {
            return NotFound();
        }

        await LoadAsync(ct);
        if (Setup is not null)
        {
            MethodId = await SaveReturnedMethodAsync(Setup, ct) ?? MethodId;
            Setup = null;
            await LoadMethodsAsync(ct);
        }

        if (Sel is null && Invoice is not null && Invoices.FirstOrDefault(i => i.Number == Invoice) is { } preselected)
        {
            Sel = preselected.Id.ToString(CultureInfo.InvariantCulture) + ":" + preselected.Available.ToString(CultureInfo.InvariantCulture);
        }

        MethodId ??= Methods.FirstOrDefault(m => m.IsDefault && !m.Expired)?.Id ?? (Methods.Count(m => !m.Expired) == 1 ? Methods.First(m => !m.Expired).Id : null);
        return Page();
    }

    /// <summary>Off to the gateway's own page to add a card or bank account, then back to the same selection.</summary>
    public async Task<IActionResult> OnPostAddMethodAsync(CancellationToken ct)
    {
        if (await ForeignMethodAsync(ct))
        {
            return NotFound();
        }

        var account = HttpContext.CurrentAccount();
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

        var back = QueryHelpers.AddQueryString("/pay", new Dictionary<string, string?>
        {
            ["scope"] = AllAccounts ? "all" : null,
            ["mode"] = Mode == "amount" ? "amount" : "invoices",
            ["sel"] = SelectionFromForm(),
            ["total"] = Total,
        });
        var setup = await gateway.StartSetupAsync(account.Number, kinds, back, ct);
        return Redirect(setup.RedirectUrl);
    }

    public async Task<IActionResult> OnPostReviewAsync(CancellationToken ct)
    {
        if (await ForeignMethodAsync(ct))
        {
            return NotFound();
        }

        // Every input is checked below with its own message; the binder's implicit "required" on the
        // checkbox list (none ticked when paying an amount) is not an error here.
        ModelState.Clear();
        await LoadAsync(ct);
        Sel = SelectionFromForm();
        var parts = Plan();
        if (!ModelState.IsValid || parts is null)
        {
            return Page();
        }

        Review = parts.Select(p => new ReviewLine(p.Invoice, p.Amount)).ToList();
        Reviewed = string.Join(",", parts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Invoice.Id}:{p.Amount}:{p.Invoice.Version}")));
        // Minted here, when the review is drawn: every confirm of this page carries the same key.
        ConfirmKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        Reviewing = true;
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct)
    {
        ModelState.Clear();
        var account = HttpContext.CurrentAccount();
        var parts = ParseReviewed(Reviewed);
        if (parts is null || MethodId is null || string.IsNullOrEmpty(ConfirmKey))
        {
            if (await ForeignMethodAsync(ct))
            {
                return NotFound();
            }

            await LoadAsync(ct);
            ModelState.AddModelError("", l["This payment could not be confirmed; review it again. Nothing was charged."]);
            return Page();
        }

        // That the method is the account's and the invoices are of the accounts the user may pay for here (the
        // current one, or with scope=all every payable one) is checked by StartAsync, in its transaction with
        // the reservations, rather than read once more here before it.
        var allowed = await PayableAccountIdsAsync(ct);
        var others = allowed.Where(id => id != account.Id).ToHashSet();
        var start = await attempts.StartAsync(
            new PaymentPlan(ConfirmKey, AttemptOrigin.Customer, User.FindFirstValue(ClaimTypes.NameIdentifier), account.Id, MethodId.Value, parts,
                OtherAccounts: others.Count > 0 ? others : null), ct);
        switch (start)
        {
            case AttemptStart.Refused { NotPayable: true, Field: "method" }:
                return NotFound();
            case AttemptStart.Refused refused:
                await LoadAsync(ct);
                Sel = string.Join(",", parts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.InvoiceId}:{p.Amount}")));
                ModelState.AddModelError("", refused.NotPayable ? l["One of these invoices is not this account's. Nothing was charged."] : refused.Message);
                return Page();
            case AttemptStart.Created created:
                // The request holds the attempt it committed and its account's number: charged without reading either again.
                await attempts.ChargeAsync(created.Attempt, account.Number, ct);
                return Redirect("/pay/done/" + created.Attempt.Id.ToString("N"));
            case AttemptStart.Replayed replayed:
                return Redirect("/pay/done/" + replayed.Attempt.Id.ToString("N"));
            default:
                throw new InvalidOperationException("Unknown start result.");
        }
    }

    /// <summary>The accounts whose invoices this request may pay: the current one, or with scope=all every payable one.</summary>
    private async Task<List<long>> PayableAccountIdsAsync(CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        if (!AllAccounts)
        {
            return [account.Id];
        }

        var payable = (await UserAccounts.ListAsync(db, User.FindFirstValue(ClaimTypes.NameIdentifier)!, ct)).Where(a => a.Payable).Select(a => a.Id).ToList();
        return payable.Contains(account.Id) ? payable : [account.Id, .. payable];
    }

    /// <summary>A method id that is not one of this account's: as if the page did not exist for it.</summary>
    private async Task<bool> ForeignMethodAsync(CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        return MethodId is long id && !await db.SavedPaymentMethods.AnyAsync(m => m.Id == id && m.AccountId == account.Id, ct);
    }

    /// <summary>The selection as the form posted it, "id:amount,..." (amounts as typed, validated in <see cref="Plan"/>).</summary>
    private string SelectionFromForm() =>
        Pick.Count == 0 && Request.Method == HttpMethods.Get ? Sel ?? ""
        : string.Join(",", Pick.Distinct().Select(id => id.ToString(CultureInfo.InvariantCulture) + ":" + (Amount.GetValueOrDefault(id) ?? "").Replace(",", ".", StringComparison.Ordinal)));

    /// <summary>What each invoice receives, or null with the form's errors set.</summary>
    private List<(OpenInvoice Invoice, decimal Amount)>? Plan()
    {
        if (Methods.FirstOrDefault(m => m.Id == MethodId) is not { } method)
        {
            ModelState.AddModelError(nameof(MethodId), l["Choose how to pay, or add a payment method."]);
        }
        else if (method.Expired)
        {
            ModelState.AddModelError(nameof(MethodId), l["That card has expired; choose another or add a new one."]);
        }

        var parts = new List<(OpenInvoice, decimal)>();
        if (Mode == "amount")
        {
            if (!TryAmount(Total, out var total))
            {
                ModelState.AddModelError(nameof(Total), l["Enter the amount to pay, for example 250.00."]);
                return null;
            }

            var available = Invoices.Sum(i => i.Available);
            if (AmountProblem(total, nameof(Total)))
            {
                return null;
            }

            if (total > available)
            {
                ModelState.AddModelError(nameof(Total), l["That is more than the {0} open on the account. Pay at most what is open.", Money(available)]);
                return null;
            }

            var left = total;
            foreach (var invoice in Invoices.Where(i => i.Available > 0m).OrderBy(i => i.DueDate).ThenBy(i => i.IssueDate).ThenBy(i => i.Number, StringComparer.Ordinal))
            {
                if (left <= 0m)
                {
                    break;
                }

                var take = Math.Min(left, invoice.Available);
                parts.Add((invoice, take));
                left -= take;
            }

            return ModelState.IsValid ? parts : null;
        }

        var chosen = ParseSelection(Sel);
        if (chosen.Count == 0)
        {
            ModelState.AddModelError(nameof(Pick), l["Choose at least one invoice to pay."]);
            return null;
        }

        foreach (var (id, text) in chosen)
        {
            var invoice = Invoices.FirstOrDefault(i => i.Id == id);
            if (invoice is null)
            {
                ModelState.AddModelError(nameof(Pick), l["One of the chosen invoices is paid, void or not this account's; choose again."]);
                return null;
            }

            var key = $"Amount[{id.ToString(CultureInfo.InvariantCulture)}]";
            var amount = invoice.Available;
            if (!string.IsNullOrWhiteSpace(text) && !TryAmount(text, out amount))
            {
                ModelState.AddModelError(key, l["Invoice {0}: enter an amount, for example 250.00.", invoice.Number]);
                continue;
            }

            if (AmountProblem(amount, key, invoice.Number, invoice.Currency))
            {
                continue;
            }

            if (amount > invoice.Available)
            {
                ModelState.AddModelError(key, l["Invoice {0} has {1} left to pay; pay at most that.", invoice.Number, MoneyIn(invoice.Available, invoice.Currency)]);
                continue;
            }

            parts.Add((invoice, amount));
        }

        // One charge is in one currency; the combined totals stay per currency.
        if (parts.Select(p => p.Item1.Currency).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            ModelState.AddModelError(nameof(Pick), l["One payment is in one currency: choose invoices in {0} only, and pay the others in a second payment.", parts[0].Item1.Currency]);
            return null;
        }

        return ModelState.IsValid ? parts : null;
    }

    private bool AmountProblem(decimal amount, string key, string? invoice = null, string? currency = null)
    {
        currency ??= Currency;
        if (amount <= 0m)
        {
            ModelState.AddModelError(key, invoice is null ? l["Enter an amount greater than zero."] : l["Invoice {0}: enter an amount greater than zero.", invoice]);
            return true;
        }

        if (!Currencies.FitsMinorUnit(amount, currency))
        {
            ModelState.AddModelError(key, l["{0} amounts have at most {1} decimals.", currency, Currencies.Exponent(currency)]);
            return true;
        }

        return false;
    }

    private static bool TryAmount(string? text, out decimal amount)
    {
        amount = 0m;
        var t = text?.Trim().Replace(",", ".", StringComparison.Ordinal);
        return !string.IsNullOrEmpty(t) && t.Length <= 20
            && decimal.TryParse(t, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out amount);
    }

    private static List<(long Id, string Text)> ParseSelection(string? sel) =>
        (sel ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.Split(':', 2))
            .Where(s => long.TryParse(s[0], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(s => (long.Parse(s[0], NumberStyles.None, CultureInfo.InvariantCulture), s.Length > 1 ? s[1] : ""))
            .DistinctBy(s => s.Item1)
            .Take(ListLimit)
            .ToList();

    private static List<PlannedPart>? ParseReviewed(string? reviewed)
    {
        var parts = new List<PlannedPart>();
        foreach (var item in (reviewed ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = item.Split(':');
            if (f.Length != 3
                || !long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || !decimal.TryParse(f[1], NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount)
                || !long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                return null;
            }

            parts.Add(new PlannedPart(id, amount, version));
        }

        return parts.Count is > 0 and <= ListLimit ? parts : null;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        Currency = account.Currency;
        // Paying several accounts together is by invoice: "an amount, oldest first" stays per account.
        Mode = Mode == "amount" && !AllAccounts ? "amount" : "invoices";
        var userId = User.FindFirstValue(ClaimTypes.NameIdentifier)!;
        var mine = account.CanSwitch ? await UserAccounts.ListAsync(db, userId, ct) : [];
        var current = mine.FirstOrDefault(a => a.Id == account.Id)
            ?? new UserAccount(account.Id, account.Number, account.Name, account.Currency, account.BilledToParent, account.Permissions);
        var others = mine.Where(a => a.Payable && a.Id != account.Id).ToList();
        OthersPayable = others.Count > 0;
        Accounts = AllAccounts ? [current, .. others] : [current];
        var ids = Accounts.Select(a => a.Id).ToList();
        // Oldest first from the small open-invoice index (one seek per account); the open amount less what
        // attempts in progress hold.
        var rows = await db.Invoices.AsNoTracking()
            .Where(i => ids.Contains(i.AccountId) && i.OpenAmount > 0m && !i.IsVoid)
            .OrderBy(i => i.DueDate).ThenBy(i => i.Id)
            .Select(i => new OpenInvoice(i.Id, i.Number, i.IssueDate, i.DueDate, i.Currency, i.Total, i.OpenAmount, i.OpenAmount - i.ReservedAmount, i.Version, i.AccountId))
            .Take(ListLimit + 1)
            .ToListAsync(ct);
        TooMany = rows.Count > ListLimit;
        Invoices = rows.Take(ListLimit).ToList();
        if (AllAccounts)
        {
            // The combined total counts every open invoice of these accounts, listed or not, per currency.
            var totals = await db.Invoices.AsNoTracking()
                .Where(i => ids.Contains(i.AccountId) && i.OpenAmount > 0m && !i.IsVoid)
                .GroupBy(i => i.Currency)
                .Select(g => new { Currency = g.Key, Open = g.Sum(i => i.OpenAmount), Reserved = g.Sum(i => i.ReservedAmount) })
                .ToListAsync(ct);
            OpenTotals = totals.OrderBy(t => t.Currency, StringComparer.Ordinal).Select(t => new CurrencyAmount(t.Currency, t.Open - t.Reserved)).ToList();
        }

        await LoadMethodsAsync(ct);
    }

    private async Task LoadMethodsAsync(CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var today = await clock.TodayAsync(ct);
        var methods = await db.SavedPaymentMethods.AsNoTracking()
            .Where(m => m.AccountId == account.Id && m.Gateway == gateway.Name)
            .OrderByDescending(m => m.IsDefault).ThenBy(m => m.Id)
            .Take(50)
            .ToListAsync(ct);
        Methods = methods.Select(m => new MethodOption(m.Id, m.Kind, m.Detail, m.ExpiryMonth, m.ExpiryYear, m.IsDefault, m.IsExpired(today))).ToList();
    }

    private async Task<long?> SaveReturnedMethodAsync(string setup, CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var method = await PaymentMethodSaving.SaveAsync(db, gateway, HttpContext, account, setup, ct);
        if (method is null)
        {
            Notice = l["The payment method could not be read back from the gateway; add it again."];
        }

        return method?.Id;
    }

    public string Money(decimal amount) => Currencies.Format(amount, Currency, CultureInfo.CurrentCulture);

    public static string MoneyIn(decimal amount, string currency) => Currencies.Format(amount, currency, CultureInfo.CurrentCulture);

    /// <summary>The amount prefilled for an invoice: what the selection says, else everything left to pay.</summary>
    public string AmountFor(OpenInvoice invoice) =>
        ParseSelection(Sel).Where(s => s.Id == invoice.Id).Select(s => s.Text).FirstOrDefault() is { Length: > 0 } typed
            ? typed
            : invoice.Available.ToString("0." + new string('0', Currencies.Exponent(invoice.Currency)), CultureInfo.InvariantCulture);

    public bool IsPicked(OpenInvoice invoice) => ParseSelection(Sel).Any(s => s.Id == invoice.Id);

    public sealed record OpenInvoice(long Id, string Number, DateOnly IssueDate, DateOnly DueDate, string Currency, decimal Total, decimal Open, decimal Available, long Version, long AccountId);

    public sealed record MethodOption(long Id, PaymentMethodKind Kind, string Detail, int? ExpiryMonth, int? ExpiryYear, bool IsDefault, bool Expired);

    public sealed record ReviewLine(OpenInvoice Invoice, decimal Amount);
}
