using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure.Email;
using Stripe;
using CheckoutSession = Stripe.Checkout.Session;
using CheckoutSessionCreateOptions = Stripe.Checkout.SessionCreateOptions;
using CheckoutSessionGetOptions = Stripe.Checkout.SessionGetOptions;
using CheckoutSessionService = Stripe.Checkout.SessionService;
using CheckoutSessionSetupIntentDataOptions = Stripe.Checkout.SessionSetupIntentDataOptions;

namespace Portal.Infrastructure.Payments.Stripe;

/// <summary>
/// The port's Stripe adapter (<c>Payments:Gateway=Stripe</c>), through Stripe.net. A Stripe customer per
/// portal account (<see cref="StripeCustomer"/>); cards and bank accounts are entered on Stripe's hosted
/// Checkout in setup mode (a full redirect: no card field on any portal page, PCI DSS SAQ A); charges are
/// PaymentIntents confirmed with a saved method, always with the portal's attempt id as the idempotency
/// key and as the intent's <c>portal_attempt</c> metadata, so that a lost answer can be found again.
/// </summary>
public sealed class StripeGateway(
    IStripeClient client,
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    IHttpContextAccessor http,
    TimeProvider time,
    ILogger<StripeGateway> logger) : IPaymentGateway
{
    public const string GatewayName = "Stripe";

    /// <summary>The metadata key that carries the portal's attempt id (our idempotency key) on an intent.</summary>
    public const string AttemptMetadata = "portal_attempt";

    /// <summary>The metadata key that carries the portal account's number on customers, sessions and intents.</summary>
    public const string AccountMetadata = "portal_account";

    public string Name => GatewayName;

    public async Task<GatewaySetup> StartSetupAsync(string accountReference, IReadOnlyCollection<GatewayMethodKind> kinds, string returnUrl, CancellationToken ct)
    {
        var customer = await EnsureCustomerAsync(accountReference, ct);
        var back = new PublicLinks(configuration, http).To(returnUrl);

        // Stripe replaces {CHECKOUT_SESSION_ID} itself, so it must reach Stripe unescaped.
        var success = back + (back.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "setup={CHECKOUT_SESSION_ID}";
        var metadata = new Dictionary<string, string> { [AccountMetadata] = accountReference };
        var session = await CallAsync(() => new CheckoutSessionService(client).CreateAsync(new CheckoutSessionCreateOptions
        {
            Mode = "setup",
            Customer = customer,
            AllowedPaymentMethodTypes = kinds.Select(k => k == GatewayMethodKind.Card ? "card" : "us_bank_account").ToList(),
            SuccessUrl = success,
            CancelUrl = back,
            Metadata = metadata,
            SetupIntentData = new CheckoutSessionSetupIntentDataOptions { Metadata = metadata },
        }, cancellationToken: ct), ct);
        return new GatewaySetup(session.Url);
    }

    public async Task<GatewayMethod?> ReadSetupAsync(string accountReference, string setupReference, CancellationToken ct)
    {
        if (!setupReference.StartsWith("cs_", StringComparison.Ordinal))
        {
            return null;
        }

        var customer = await FindCustomerAsync(accountReference, ct);
        if (customer is null)
        {
            return null;
        }

        CheckoutSession session;
        try
        {
            session = await CallAsync(() => new CheckoutSessionService(client).GetAsync(setupReference,
                new CheckoutSessionGetOptions { Expand = ["setup_intent", "setup_intent.payment_method"] }, cancellationToken: ct), ct);
        }
        catch (GatewayRequestRefusedException)
        {
            // No such session: a made-up or another mode's reference.
            return null;
        }

        // Another account's session, an abandoned one, or one whose setup has not succeeded: nothing to save.
        if (session.CustomerId != customer || session.Status != "complete" || session.SetupIntent is not { Status: "succeeded", PaymentMethod: { } method })
        {
            return null;
        }

        return method.Type switch
        {
            "card" when method.Card is { } card => new GatewayMethod(method.Id, GatewayMethodKind.Card, Brand(card.Brand), card.Last4,
                (int)card.ExpMonth, (int)card.ExpYear, method.BillingDetails?.Name),
            "us_bank_account" when method.UsBankAccount is { } bank => new GatewayMethod(method.Id, GatewayMethodKind.BankAccount,
                string.IsNullOrWhiteSpace(bank.BankName) ? "Bank account" : bank.BankName, bank.Last4, null, null, method.BillingDetails?.Name),
            _ => null,
        };
    }

    public async Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken ct)
    {
        var customer = await FindCustomerAsync(request.AccountReference, ct)
            ?? throw new GatewayRequestRefusedException("resource_missing", "The account has no customer at Stripe.");
        var options = new PaymentIntentCreateOptions
        {
            Amount = request.AmountMinor,
            Currency = request.Currency.ToLowerInvariant(),
            Customer = customer,
            PaymentMethod = request.MethodToken,

            // Named, not automatic: the saved method's type is all that may be used, and no redirect method sneaks in.
            AllowedPaymentMethodTypes = ["card", "us_bank_account"],
            Confirm = true,
            OffSession = request.OffSession,
            Metadata = new Dictionary<string, string> { [AttemptMetadata] = request.IdempotencyKey, [AccountMetadata] = request.AccountReference },
        };
        if (!request.OffSession)
        {
            // Where Stripe sends the customer back after 3-D Secure: the page that asks Stripe again.
            options.ReturnUrl = new PublicLinks(configuration, http).To(request.ReturnUrl);
        }

        try
        {
            // Stripe.net would put a fresh random key on the call: ours makes a retry (its own or ours) the same charge.
            var intent = await CallAsync(() => new PaymentIntentService(client).CreateAsync(options,
                new RequestOptions { IdempotencyKey = request.IdempotencyKey }, ct), ct);
            return Result(intent);
        }
        catch (StripeCardDeclined declined)
        {
            return declined.Result;
        }
    }

    public async Task<ChargeResult> FindChargeAsync(string idempotencyKey, CancellationToken ct)
    {
        var attempt = await ReadAttemptAsync(idempotencyKey, ct);
        var intents = new PaymentIntentService(client);
        if (attempt?.Reference is { } reference && reference.StartsWith("pi_", StringComparison.Ordinal))
        {
            var known = await CallAsync(() => intents.GetAsync(reference, cancellationToken: ct), ct);
            if (Carries(known, idempotencyKey))
            {
                return Result(known);
            }
        }

        if (attempt is null)
        {
            // Not one of our attempts (an operator's question): Stripe's search, by the key in the metadata.
            var found = await CallAsync(() => intents.SearchAsync(new PaymentIntentSearchOptions
            {
                Query = $"metadata['{AttemptMetadata}']:'{idempotencyKey.Replace("'", "", StringComparison.Ordinal)}'",
            }, cancellationToken: ct), ct);
            return found.Data.FirstOrDefault(i => Carries(i, idempotencyKey)) is { } match ? Result(match) : new ChargeResult(ChargeStatus.NotFound);
        }

        if (attempt.Customer is null)
        {
            // Charges are made for a remembered customer only: without one nothing reached Stripe.
            return new ChargeResult(ChargeStatus.NotFound);
        }

        // Listing (unlike search, which may lag) sees an intent as soon as it exists: "not found" here is final.
        var list = new PaymentIntentListOptions
        {
            Customer = attempt.Customer,
            // Stored UTC; said so explicitly, or Stripe.net would read an unspecified time as local.
            Created = new DateRangeOptions { GreaterThanOrEqual = DateTime.SpecifyKind(attempt.CreatedAt, DateTimeKind.Utc).AddHours(-1) },
            Limit = 100,
        };
        return await CallAsync(async () =>
        {
            await foreach (var intent in intents.ListAutoPagingAsync(list, cancellationToken: ct))
            {
                if (Carries(intent, idempotencyKey))
                {
                    return Result(intent);
                }
            }

            return new ChargeResult(ChargeStatus.NotFound);
        }, ct);
    }

    /// <summary>
    /// Fetches one intent again (a webhook named it) and reads it as the port does; not found when it does
    /// not carry <paramref name="idempotencyKey"/>, so an event cannot settle another attempt.
    /// </summary>
    public async Task<ChargeResult> ReadIntentAsync(string intentId, string idempotencyKey, CancellationToken ct)
    {
        if (!intentId.StartsWith("pi_", StringComparison.Ordinal))
        {
            return new ChargeResult(ChargeStatus.NotFound);
        }

        var intent = await CallAsync(() => new PaymentIntentService(client).GetAsync(intentId, cancellationToken: ct), ct);
        return Carries(intent, idempotencyKey) ? Result(intent) : new ChargeResult(ChargeStatus.NotFound);
    }

    public async Task DeleteMethodAsync(string token, CancellationToken ct)
    {
        try
        {
            await CallAsync(() => new PaymentMethodService(client).DetachAsync(token, cancellationToken: ct), ct);
        }
        catch (GatewayRequestRefusedException e) when (e.Code is "resource_missing" or "payment_method_unexpected_state")
        {
            // Already gone or never attached: what was asked for holds.
        }
    }

    /// <summary>The intent as the port reads it.</summary>
    public static ChargeResult Result(PaymentIntent intent) => intent.Status switch
    {
        "succeeded" => new ChargeResult(ChargeStatus.Succeeded, intent.Id),
        "processing" => new ChargeResult(ChargeStatus.Processing, intent.Id),
        "requires_action" when intent.NextAction?.RedirectToUrl?.Url is { } url => new ChargeResult(ChargeStatus.RequiresAction, intent.Id, ActionUrl: url),
        "requires_action" => new ChargeResult(ChargeStatus.Declined, intent.Id, "authentication_required", "The card needs its holder to confirm the payment."),

        // After a confirm, requires_payment_method means this method failed (a decline, or a failed 3-D Secure).
        "requires_payment_method" => new ChargeResult(ChargeStatus.Declined, intent.Id,
            intent.LastPaymentError?.DeclineCode ?? intent.LastPaymentError?.Code ?? "card_declined", intent.LastPaymentError?.Message),
        "canceled" => new ChargeResult(ChargeStatus.Declined, intent.Id, "canceled", "The payment was canceled at Stripe."),

        // requires_confirmation, requires_capture: not final; the reconciler asks again.
        _ => new ChargeResult(ChargeStatus.Processing, intent.Id),
    };

    private static bool Carries(PaymentIntent intent, string key) =>
        intent.Metadata is not null && intent.Metadata.TryGetValue(AttemptMetadata, out var value) && value == key;

    private static string Brand(string brand) => brand switch
    {
        "visa" => "Visa",
        "mastercard" => "Mastercard",
        "amex" => "American Express",
        "discover" => "Discover",
        "diners" => "Diners Club",
        "jcb" => "JCB",
        "unionpay" => "UnionPay",
        "cartes_bancaires" => "Cartes Bancaires",
        _ => string.IsNullOrEmpty(brand) ? "Card" : CultureInfo.InvariantCulture.TextInfo.ToTitleCase(brand),
    };

    /// <summary>
    /// One call to Stripe, its failures in the port's terms: a card error is a decline (with the intent
    /// when Stripe made one); 400 and 404 a refusal (nothing happened); 409 (the key in flight), 429, 5xx,
    /// an unauthorised key, a timeout or a lost connection an unknown outcome.
    /// </summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call();
        }
        catch (StripeException e) when (e.StripeError?.Type == "card_error" || e.HttpStatusCode == HttpStatusCode.PaymentRequired)
        {
            var error = e.StripeError;
            throw new StripeCardDeclined(new ChargeResult(ChargeStatus.Declined, error?.PaymentIntent?.Id,
                error?.DeclineCode ?? error?.Code ?? "card_declined", error?.Message ?? e.Message));
        }
        catch (StripeException e) when (e.HttpStatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
        {
            throw new GatewayRequestRefusedException(e.StripeError?.Code ?? e.StripeError?.Type ?? "invalid_request_error", e.StripeError?.Message ?? e.Message);
        }
        catch (StripeException e)
        {
            if (e.HttpStatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                logger.LogError("Stripe refused the API key ({Status}): check Payments:Stripe:SecretKey.", (int)e.HttpStatusCode);
            }

            throw new GatewayUnknownOutcomeException($"Stripe answered {(int)e.HttpStatusCode}: {e.StripeError?.Message ?? e.Message}", e);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new GatewayUnknownOutcomeException("No answer from Stripe: " + e.Message, e);
        }
    }

    private async Task<string?> FindCustomerAsync(string accountNumber, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        return await db.StripeCustomers.AsNoTracking()
            .Where(c => db.Accounts.Any(a => a.Id == c.AccountId && a.Number == accountNumber))
            .Select(c => c.CustomerId)
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// The account's Stripe customer, created the first time. The creation's idempotency key is the
    /// account's, so two instances racing make one customer; the unique row keeps the first remembered.
    /// </summary>
    private async Task<string> EnsureCustomerAsync(string accountNumber, CancellationToken ct)
    {
        if (await FindCustomerAsync(accountNumber, ct) is { } known)
        {
            return known;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var account = await db.Accounts.AsNoTracking().Where(a => a.Number == accountNumber)
            .Select(a => new { a.Id, a.Name }).SingleAsync(ct);
        var created = await CallAsync(() => new CustomerService(client).CreateAsync(new CustomerCreateOptions
        {
            Name = account.Name,
            Metadata = new Dictionary<string, string> { [AccountMetadata] = accountNumber },
        }, new RequestOptions { IdempotencyKey = "portal-customer-" + accountNumber }, ct), ct);
        db.StripeCustomers.Add(new StripeCustomer { AccountId = account.Id, CustomerId = created.Id, CreatedAt = time.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(ct);
            return created.Id;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return await db.StripeCustomers.AsNoTracking().Where(c => c.AccountId == account.Id).Select(c => c.CustomerId).SingleAsync(ct);
        }
    }

    private async Task<AttemptFacts?> ReadAttemptAsync(string key, CancellationToken ct)
    {
        if (!Guid.TryParseExact(key, "N", out var id))
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        return await db.PaymentAttempts.AsNoTracking()
            .Where(a => a.Id == id)
            .Select(a => new AttemptFacts(a.GatewayReference, a.CreatedAt,
                db.StripeCustomers.Where(c => c.AccountId == a.AccountId).Select(c => c.CustomerId).FirstOrDefault()))
            .FirstOrDefaultAsync(ct);
    }

    private sealed record AttemptFacts(string? Reference, DateTime CreatedAt, string? Customer);

    /// <summary>A card error carried out of <see cref="CallAsync{T}"/>: a charge's answer, not a failure.</summary>
    private sealed class StripeCardDeclined(ChargeResult result) : Exception(result.Message)
    {
        public ChargeResult Result { get; } = result;
    }
}
