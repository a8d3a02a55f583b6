using Microsoft.Extensions.Localization;

namespace Portal.Features.Payments;

/// <summary>How payment methods and statuses read.</summary>
public static class PaymentText
{
    public static string Method(PaymentMethodKind method, IStringLocalizer l) => method switch
    {
        PaymentMethodKind.Card => l["Card"],
        PaymentMethodKind.BankAccount => l["Bank account"],
        PaymentMethodKind.Check => l["Check"],
        PaymentMethodKind.Cash => l["Cash"],
        PaymentMethodKind.Wire => l["Wire transfer"],
        _ => l["Other"],
    };

    public static string Status(PaymentStatus status, IStringLocalizer l) => status switch
    {
        PaymentStatus.Pending => l["Pending"],
        PaymentStatus.Succeeded => l["Succeeded"],
        PaymentStatus.Failed => l["Failed"],
        _ => l["Refunded"],
    };

    public static string Attempt(AttemptState state, IStringLocalizer l) => state switch
    {
        AttemptState.Pending => l["Pending"],
        AttemptState.Processing => l["Processing"],
        AttemptState.RequiresAction => l["Waiting for the customer to confirm"],
        AttemptState.Succeeded => l["Succeeded"],
        _ => l["Failed"],
    };

    /// <summary>
    /// A failure reason as stored (English, from <see cref="PaymentOutcomes.FailureText"/>, also sent to the
    /// billing system) in the reader's language. Each text is a literal here so the translation check sees it;
    /// a reason the portal did not write (the billing system's own) is shown as it came.
    /// </summary>
    public static string Failure(string? reason, IStringLocalizer l) => reason switch
    {
        null or "The card was declined." => l["The card was declined."],
        "The payment did not reach the card issuer; nothing was charged." => l["The payment did not reach the card issuer; nothing was charged."],
        "The card has insufficient funds." => l["The card has insufficient funds."],
        "The card has expired." => l["The card has expired."],
        "The card needs you to confirm each payment; pay it yourself from the Pay page." => l["The card needs you to confirm each payment; pay it yourself from the Pay page."],
        "The payment was not confirmed at the card issuer." => l["The payment was not confirmed at the card issuer."],
        "The bank refused the debit." => l["The bank refused the debit."],
        "The card issuer refused the payment as suspected fraud." => l["The card issuer refused the payment as suspected fraud."],
        "The card number or security code is not valid." => l["The card number or security code is not valid."],
        "The payment method is no longer available; add it again." => l["The payment method is no longer available; add it again."],
        _ => reason,
    };

    public static string Badge(PaymentStatus status) => "badge badge-" + status.ToString().ToLowerInvariant();
}
