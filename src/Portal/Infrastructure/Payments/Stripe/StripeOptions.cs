namespace Portal.Infrastructure.Payments.Stripe;

/// <summary>
/// The Stripe adapter's settings, section <c>Payments:Stripe</c>. The keys are configuration only
/// (environment, user secrets, a vault): never the operator settings table, never shown on a page.
/// </summary>
public sealed class StripeOptions
{
    /// <summary>The secret API key (<c>sk_live_...</c> or <c>sk_test_...</c>).</summary>
    public string? SecretKey { get; set; }

    /// <summary>The webhook endpoint's signing secret (<c>whsec_...</c>).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>The API's base URL; empty for Stripe's own (<c>https://api.stripe.com</c>).</summary>
    public string? ApiBase { get; set; }

    /// <summary>
    /// How often Stripe.net resends a request that failed on the network or got 409 (always with our
    /// idempotency key, so a resend never charges twice).
    /// </summary>
    public int MaxNetworkRetries { get; set; } = 2;

    /// <summary>One request's time limit; past it the outcome is unknown and the reconciler asks later.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
