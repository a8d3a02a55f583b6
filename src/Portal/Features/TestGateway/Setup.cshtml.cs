using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Payments;
using Portal.Infrastructure.Payments.TestGateway;

namespace Portal.Features.TestGateway;

/// <summary>
/// The test gateway's own card and bank entry page, standing in for a provider's hosted page: the
/// number is posted here, read for its test behaviour and dropped; only a token and the display fields
/// are kept, and the customer goes back to the portal with a setup reference. Not a portal page: no
/// account scope, no portal sign-in, and it exists only while <c>Payments:Gateway</c> is Test.
/// </summary>
[AllowAnonymous]
[WithoutAccountScope]
public sealed class SetupModel(IPaymentGateway gateway, TestPaymentGateway test) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Customer { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Kinds { get; set; }

    [BindProperty(SupportsGet = true, Name = "return")]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string Kind { get; set; } = "card";

    [BindProperty]
    public string? Number { get; set; }

    [BindProperty]
    public string? Expiry { get; set; }

    [BindProperty]
    public string? Cvc { get; set; }

    [BindProperty]
    public string? Holder { get; set; }

    [BindProperty]
    public string? Routing { get; set; }

    [BindProperty]
    public string? AccountNumber { get; set; }

    public bool OffersCards => Kinds is null || Kinds.Contains("card", StringComparison.Ordinal);

    public bool OffersBanks => Kinds is null || Kinds.Contains("bank", StringComparison.Ordinal);

    public IActionResult OnGet() => Valid() ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!Valid())
        {
            return NotFound();
        }

        var holder = string.IsNullOrWhiteSpace(Holder) ? null : Holder.Trim()[..Math.Min(Holder.Trim().Length, 100)];
        string reference;
        if (Kind == "bank" && OffersBanks)
        {
            var routing = Digits(Routing);
            var account = Digits(AccountNumber);
            if (routing.Length != 9 || account.Length is < 4 or > 17)
            {
                ModelState.AddModelError(nameof(AccountNumber), "Enter a 9-digit routing number and an account number.");
                return Page();
            }

            var behaviour = TestNumbers.Bank(routing, account);
            if (behaviour is null)
            {
                ModelState.AddModelError(nameof(AccountNumber), "Use one of the test bank accounts listed below.");
                return Page();
            }

            reference = await test.SaveAsync(Customer!, GatewayMethodKind.BankAccount, "Bank account", account[^4..], null, null, holder, behaviour.Value, ct);
        }
        else if (OffersCards)
        {
            var number = Digits(Number);
            var behaviour = TestNumbers.Card(number);
            if (behaviour is null)
            {
                ModelState.AddModelError(nameof(Number), "Use one of the test card numbers listed below.");
                return Page();
            }

            if (!TryExpiry(Expiry, out var month, out var year))
            {
                ModelState.AddModelError(nameof(Expiry), "Enter the expiry as MM/YY, in the future.");
                return Page();
            }

            if (Digits(Cvc).Length is < 3 or > 4)
            {
                ModelState.AddModelError(nameof(Cvc), "Enter the 3 or 4 digit security code.");
                return Page();
            }

            reference = await test.SaveAsync(Customer!, GatewayMethodKind.Card, number[0] == '5' ? "Mastercard" : "Visa", number[^4..], month, year, holder, behaviour.Value, ct);
        }
        else
        {
            return NotFound();
        }

        return Redirect(QueryHelpers.AddQueryString(ReturnUrl!, "setup", reference));
    }

    public IActionResult OnPostCancel() => Valid() ? Redirect(ReturnUrl!) : NotFound();

    private bool Valid() =>
        gateway is TestPaymentGateway
        && !string.IsNullOrEmpty(Customer) && Customer.Length <= 100
        // Back to the portal only: never an open redirect.
        && ReturnUrl is { Length: > 0 and <= 2000 } r && r.StartsWith('/') && !r.StartsWith("//", StringComparison.Ordinal) && !r.StartsWith("/\\", StringComparison.Ordinal);

    private static string Digits(string? text) => new((text ?? "").Where(char.IsAsciiDigit).ToArray());

    private static bool TryExpiry(string? text, out int month, out int year)
    {
        var digits = Digits(text);
        month = 0;
        year = 0;
        if (digits.Length != 4)
        {
            return false;
        }

        month = (digits[0] - '0') * 10 + (digits[1] - '0');
        year = 2000 + (digits[2] - '0') * 10 + (digits[3] - '0');
        var now = DateTime.UtcNow;
        return month is >= 1 and <= 12 && (year > now.Year || (year == now.Year && month >= now.Month));
    }
}
