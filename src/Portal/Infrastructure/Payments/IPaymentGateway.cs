namespace Portal.Infrastructure.Payments;

/// <summary>What a customer can save at the gateway.</summary>
public enum GatewayMethodKind
{
    Card = 0,
    BankAccount = 1,
}

/// <summary>Where to send the customer to enter a card or bank account at the gateway's own page.</summary>
public sealed record GatewaySetup(string RedirectUrl);

/// <summary>A method saved at the gateway, as the portal may keep it: a token and what a person reads. Never a full number.</summary>
public sealed record GatewayMethod(
    string Token, GatewayMethodKind Kind, string Brand, string Last4, int? ExpiryMonth, int? ExpiryYear, string? Holder);

/// <summary>
/// One charge of a saved method. <see cref="IdempotencyKey"/> is the portal's payment attempt id: the
/// gateway answers a repeat with the first result and refuses the key with other parameters.
/// </summary>
public sealed record ChargeRequest(
    string IdempotencyKey, string AccountReference, string MethodToken, long AmountMinor, string Currency, bool OffSession, string ReturnUrl);

public enum ChargeStatus
{
    Succeeded = 0,

    /// <summary>Accepted, settles later (bank debits).</summary>
    Processing = 1,

    /// <summary>The customer must confirm at the gateway first (3-D Secure); <see cref="ChargeResult.ActionUrl"/>.</summary>
    RequiresAction = 2,

    Declined = 3,

    /// <summary>A lookup found no charge with that key: the request never reached the gateway.</summary>
    NotFound = 4,
}

/// <summary>How the gateway answered a charge or a lookup.</summary>
public sealed record ChargeResult(ChargeStatus Status, string? Reference = null, string? DeclineCode = null, string? Message = null, string? ActionUrl = null)
{
    /// <summary>A decline worth retrying later (funds, a generic decline); the others need the customer.</summary>
    public bool SoftDecline => Status == ChargeStatus.Declined && DeclineCode is "insufficient_funds" or "generic_decline" or "processing_error";
}

/// <summary>
/// The charge may or may not have happened: a timeout, a lost connection, a 409 (same key in flight),
/// 429 or 5xx. Never a failure: the attempt stays pending and the reconciler asks the gateway by key.
/// </summary>
public sealed class GatewayUnknownOutcomeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The gateway refused the request itself (400): the same key with other parameters, an unknown or
/// deleted method. Nothing was charged.
/// </summary>
public sealed class GatewayRequestRefusedException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>
/// The narrow port to a payment provider: one real provider is one class. Card and bank numbers are
/// entered on the provider's own page, so none reaches a portal endpoint, log or table (PCI DSS SAQ A).
/// </summary>
public interface IPaymentGateway
{
    /// <summary>The adapter's name (<c>Payments:Gateway</c>), shown to the operator and stored on attempts.</summary>
    string Name { get; }

    /// <summary>Starts a card or bank-account entry at the gateway; the customer comes back to <paramref name="returnUrl"/> with <c>setup=...</c>.</summary>
    Task<GatewaySetup> StartSetupAsync(string accountReference, IReadOnlyCollection<GatewayMethodKind> kinds, string returnUrl, CancellationToken ct);

    /// <summary>Reads back the method saved in a finished setup; null when the setup is unknown, unfinished or another account's.</summary>
    Task<GatewayMethod?> ReadSetupAsync(string accountReference, string setupReference, CancellationToken ct);

    /// <summary>Charges a saved method. Throws <see cref="GatewayUnknownOutcomeException"/> when the outcome is unknown.</summary>
    Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken ct);

    /// <summary>Looks a charge up by the portal's key (the reconciler and the return from 3-D Secure).</summary>
    Task<ChargeResult> FindChargeAsync(string idempotencyKey, CancellationToken ct);

    Task DeleteMethodAsync(string token, CancellationToken ct);
}

/// <summary>Amounts at the gateway are integers in the currency's minor unit.</summary>
public static class MinorUnits
{
    public static long From(decimal amount, string currency)
    {
        var scaled = amount * (decimal)Math.Pow(10, Currencies.Exponent(currency));
        return decimal.Truncate(scaled) == scaled
            ? (long)scaled
            : throw new ArgumentException($"{amount} has more decimals than {currency} allows.", nameof(amount));
    }
}
