using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Infrastructure.Payments.TestGateway;

/// <summary>The test gateway's settings, section <c>Payments:Test</c>.</summary>
public sealed class TestGatewayOptions
{
    /// <summary>How long a test bank debit stays processing before it settles or fails.</summary>
    public TimeSpan BankSettleDelay { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>The test numbers and what each does; listed on the test gateway's page.</summary>
public static class TestNumbers
{
    public const string BankRouting = "110000000";

    public static readonly IReadOnlyList<(string Number, TestBehaviour Behaviour, string Description)> Cards =
    [
        ("4242424242424242", TestBehaviour.Succeeds, "Succeeds"),
        ("4000000000000002", TestBehaviour.Declined, "Declined"),
        ("4000000000009995", TestBehaviour.InsufficientFunds, "Declined: insufficient funds"),
        ("4000000000000069", TestBehaviour.Expired, "Declined: expired card"),
        ("4000002500003155", TestBehaviour.AuthenticateOnce, "Asks for an extra confirmation step (3-D Secure), then succeeds; off-session charges succeed"),
        ("4000002760003184", TestBehaviour.AuthenticateAlways, "Always asks for confirmation, so autopay cannot use it"),
        ("4000000000000341", TestBehaviour.SavesButDeclines, "Saves, but every charge is declined"),
        ("4000000000001000", TestBehaviour.TimeoutCharged, "Times out, although the charge happened"),
        ("4000000000002008", TestBehaviour.TimeoutNothing, "Times out, and nothing happened"),
    ];

    public static readonly IReadOnlyList<(string Account, TestBehaviour Behaviour, string Description)> BankAccounts =
    [
        ("000123456789", TestBehaviour.BankSettles, "Processing, then succeeds"),
        ("000111111116", TestBehaviour.BankFails, "Processing, then fails"),
    ];

    /// <summary>The behaviour of a card number (spaces allowed); any other valid number succeeds, like Stripe's test mode refuses it.</summary>
    public static TestBehaviour? Card(string digits) =>
        Cards.Where(c => c.Number == digits).Select(c => (TestBehaviour?)c.Behaviour).FirstOrDefault();

    public static TestBehaviour? Bank(string routing, string account) =>
        routing != BankRouting ? null : BankAccounts.Where(b => b.Account == account).Select(b => (TestBehaviour?)b.Behaviour).FirstOrDefault();
}

/// <summary>
/// The embedded gateway of the demo and the tests, offline. It plays a real provider's test mode: its
/// own card and bank entry page (<c>/test-gateway/setup</c>), tokens, a 3-D Secure step, and Stripe's
/// idempotency rules: a key replayed returns the first result, the same key with other parameters is
/// refused, and a concurrent request with the same key gets the first one's answer (its row is inserted
/// final, once; a row left unfinished by an older version answers 409). Its state is in the database (each call in a
/// unit of work of its own, as if it were another system), so several portal instances share it.
/// </summary>
public sealed class TestPaymentGateway(IServiceScopeFactory scopes, TimeProvider time, IOptions<TestGatewayOptions> options) : IPaymentGateway
{
    public const string GatewayName = "Test";

    public string Name => GatewayName;

    public Task<GatewaySetup> StartSetupAsync(string accountReference, IReadOnlyCollection<GatewayMethodKind> kinds, string returnUrl, CancellationToken ct)
    {
        var url = QueryHelpers.AddQueryString("/test-gateway/setup", new Dictionary<string, string?>
        {
            ["customer"] = accountReference,
            ["kinds"] = string.Join(",", kinds.Select(k => k == GatewayMethodKind.Card ? "card" : "bank")),
            ["return"] = returnUrl,
        });
        return Task.FromResult(new GatewaySetup(url));
    }

    public async Task<GatewayMethod?> ReadSetupAsync(string accountReference, string setupReference, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var m = await db.TestGatewayMethods.AsNoTracking()
            .FirstOrDefaultAsync(m => m.SetupReference == setupReference && m.Customer == accountReference && !m.Deleted, ct);
        return m is null ? null : new GatewayMethod(m.Token, m.Kind, m.Brand, m.Last4, m.ExpiryMonth, m.ExpiryYear, m.Holder);
    }

    /// <summary>Saves what the test page collected; the full number is read for its behaviour and dropped.</summary>
    public async Task<string> SaveAsync(string customer, GatewayMethodKind kind, string brand, string last4, int? month, int? year, string? holder, TestBehaviour behaviour, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var method = new TestGatewayMethod
        {
            Token = "tpm_" + RandomId(),
            SetupReference = "tset_" + RandomId(),
            Customer = customer,
            Kind = kind,
            Brand = brand,
            Last4 = last4,
            ExpiryMonth = month,
            ExpiryYear = year,
            Holder = holder,
            Behaviour = behaviour,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.TestGatewayMethods.Add(method);
        await db.SaveChangesAsync(ct);
        return method.SetupReference;
    }

    public async Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        // The method's read and the charge's insert (or the replay's read) on one connection: EF would open
        // and close a pooled one around each, which on SQLite costs more than these small statements.
        await db.Database.OpenConnectionAsync(ct);
        var fingerprint = string.Join("|", request.AccountReference, request.MethodToken,
            request.AmountMinor.ToString(CultureInfo.InvariantCulture), request.Currency, request.OffSession ? "off" : "on");
        var now = time.GetUtcNow().UtcDateTime;
        var charge = new TestGatewayCharge
        {
            IdempotencyKey = request.IdempotencyKey,
            Fingerprint = fingerprint,
            Reference = "tch_" + RandomId(),
            MethodToken = request.MethodToken,
            AmountMinor = request.AmountMinor,
            Currency = request.Currency,
            ReturnUrl = request.ReturnUrl,
            CreatedAt = now,
        };

        // The method decides the outcome before anything is written, so the charge is one insert of its
        // final row (it was an "in flight" insert and then an update: two write transactions on SQLite's
        // single writer for every confirm). The unique idempotency key still claims it: a racing or
        // repeated request with the same key fails the insert and replays the stored row, as Stripe does.
        var method = await db.TestGatewayMethods.AsNoTracking().FirstOrDefaultAsync(m => m.Token == request.MethodToken && !m.Deleted, ct);
        if (method is null || method.Behaviour == TestBehaviour.TimeoutNothing)
        {
            // Nothing will be stored, so a repeat of a request that was (its method since deleted) is
            // answered from its row here. Stripe keeps no result for a request it refused before executing it.
            var replay = await ReplayAsync(db, request.IdempotencyKey, fingerprint, ct);
            if (replay is not null)
            {
                return replay;
            }

            if (method is null)
            {
                throw new GatewayRequestRefusedException("resource_missing", "No such payment method.");
            }
        }

        var timeout = false;
        switch (method.Behaviour)
        {
            case TestBehaviour.Succeeds:
                Settle(charge, ChargeStatus.Succeeded);
                break;
            case TestBehaviour.Declined:
            case TestBehaviour.SavesButDeclines:
                Settle(charge, ChargeStatus.Declined, "generic_decline", "Your card was declined.");
                break;
            case TestBehaviour.InsufficientFunds:
                Settle(charge, ChargeStatus.Declined, "insufficient_funds", "Your card has insufficient funds.");
                break;
            case TestBehaviour.Expired:
                Settle(charge, ChargeStatus.Declined, "expired_card", "Your card has expired.");
                break;
            case TestBehaviour.AuthenticateOnce when request.OffSession:
                Settle(charge, ChargeStatus.Succeeded);
                break;
            case TestBehaviour.AuthenticateAlways when request.OffSession:
                Settle(charge, ChargeStatus.Declined, "authentication_required", "This card needs the cardholder to confirm every payment.");
                break;
            case TestBehaviour.AuthenticateOnce:
            case TestBehaviour.AuthenticateAlways:
                Settle(charge, ChargeStatus.RequiresAction);
                break;
            case TestBehaviour.BankSettles:
            case TestBehaviour.BankFails:
                Settle(charge, ChargeStatus.Processing);
                charge.SettlesAt = now + options.Value.BankSettleDelay;
                charge.SettlesAs = method.Behaviour == TestBehaviour.BankSettles ? ChargeStatus.Succeeded : ChargeStatus.Declined;
                break;
            case TestBehaviour.TimeoutCharged:
                Settle(charge, ChargeStatus.Succeeded);
                timeout = true;
                break;
            case TestBehaviour.TimeoutNothing:
                throw new GatewayUnknownOutcomeException("The test gateway timed out (nothing was charged).");
            default:
                throw new InvalidOperationException($"Unknown test behaviour {method.Behaviour}.");
        }

        db.TestGatewayCharges.Add(charge);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request with the same key stored its row first: answer as that one did.
            db.ChangeTracker.Clear();
            return await ReplayAsync(db, request.IdempotencyKey, fingerprint, ct)
                ?? throw new GatewayUnknownOutcomeException("The test gateway could not store the charge.");
        }

        return timeout
            ? throw new GatewayUnknownOutcomeException("The test gateway timed out (the charge went through).")
            : Result(charge);
    }

    /// <summary>
    /// The stored answer to an earlier request with this idempotency key, or null when there is none;
    /// refused when the key was used with other parameters, and "still being processed" for a row that
    /// is not final (only an older version wrote such rows, an in-flight insert before the update).
    /// </summary>
    private static async Task<ChargeResult?> ReplayAsync(PortalDb db, string idempotencyKey, string fingerprint, CancellationToken ct)
    {
        var first = await db.TestGatewayCharges.AsNoTracking().FirstOrDefaultAsync(c => c.IdempotencyKey == idempotencyKey, ct);
        if (first is null)
        {
            return null;
        }

        if (first.Fingerprint != fingerprint)
        {
            throw new GatewayRequestRefusedException("idempotency_key_in_use",
                "Keys for idempotent requests can only be used with the same parameters they were first used with.");
        }

        if (!first.Completed)
        {
            throw new GatewayUnknownOutcomeException("409: a request with this idempotency key is still being processed.");
        }

        return Result(first);
    }

    public async Task<ChargeResult> FindChargeAsync(string idempotencyKey, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var charge = await db.TestGatewayCharges.FirstOrDefaultAsync(c => c.IdempotencyKey == idempotencyKey, ct);
        if (charge is null || !charge.Completed)
        {
            return charge is null ? new ChargeResult(ChargeStatus.NotFound) : throw new GatewayUnknownOutcomeException("409: still being processed.");
        }

        if (charge is { Status: ChargeStatus.Processing, SettlesAt: { } at, SettlesAs: { } outcome } && at <= time.GetUtcNow().UtcDateTime)
        {
            charge.Status = outcome;
            if (outcome == ChargeStatus.Declined)
            {
                charge.DeclineCode = "debit_failed";
                charge.Message = "The bank refused the debit.";
            }

            await db.SaveChangesAsync(ct);
        }

        return Result(charge);
    }

    /// <summary>The customer finished (or failed) the 3-D Secure step on the test page; false when nothing waits for it.</summary>
    public async Task<bool> CompleteActionAsync(string idempotencyKey, bool confirmed, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var moved = await db.TestGatewayCharges
            .Where(c => c.IdempotencyKey == idempotencyKey && c.Completed && c.Status == ChargeStatus.RequiresAction)
            .ExecuteUpdateAsync(u => u
                .SetProperty(c => c.Status, confirmed ? ChargeStatus.Succeeded : ChargeStatus.Declined)
                .SetProperty(c => c.DeclineCode, confirmed ? null : "authentication_failed")
                .SetProperty(c => c.Message, confirmed ? null : "The cardholder did not confirm the payment."), ct);
        return moved == 1;
    }

    public async Task DeleteMethodAsync(string token, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        await db.TestGatewayMethods.Where(m => m.Token == token).ExecuteUpdateAsync(u => u.SetProperty(m => m.Deleted, true), ct);
    }

    private static void Settle(TestGatewayCharge charge, ChargeStatus status, string? code = null, string? message = null)
    {
        charge.Completed = true;
        charge.Status = status;
        charge.DeclineCode = code;
        charge.Message = message;
    }

    private static ChargeResult Result(TestGatewayCharge c) => new(
        c.Status, c.Reference, c.DeclineCode, c.Message,
        c.Status == ChargeStatus.RequiresAction
            ? QueryHelpers.AddQueryString("/test-gateway/authenticate", new Dictionary<string, string?> { ["key"] = c.IdempotencyKey, ["return"] = c.ReturnUrl })
            : null);

    private static string RandomId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
