using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Payments;
using Portal.Infrastructure.Payments;
using Portal.Infrastructure.Payments.TestGateway;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Payments;

/// <summary>An account of its own with open invoices and saved test cards, for payment tests.</summary>
public sealed record PayAccount(ArrangedAccount Account, IReadOnlyList<long> Invoices);

public static class PayTestData
{
    public const string Succeeds = "4242424242424242";
    public const string Declined = "4000000000000002";
    public const string InsufficientFunds = "4000000000009995";
    public const string Authenticate = "4000002500003155";
    public const string TimeoutCharged = "4000000000001000";
    public const string TimeoutNothing = "4000000000002008";

    public static async Task<PayAccount> AccountAsync(PortalFactory portal, params decimal[] totals)
    {
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var ids = new List<long>();
        await portal.WithDbAsync(async db =>
        {
            var issued = new DateOnly(2026, 9, 1);
            for (var n = 0; n < totals.Length; n++)
            {
                var invoice = InvoiceTestData.NewInvoice(account, n + 1, issued.AddDays(n), totals[n], totals[n]);
                db.Invoices.Add(invoice);
                await db.SaveChangesAsync();
                ids.Add(invoice.Id);
            }
        });
        return new PayAccount(account, ids);
    }

    /// <summary>Enters a test card at the test gateway and saves it for the account, as the setup page and its return do.</summary>
    public static async Task<long> CardAsync(IServiceProvider services, PayAccount account, string number, bool isDefault = false)
    {
        var test = services.GetRequiredService<TestPaymentGateway>();
        var behaviour = TestNumbers.Card(number)!.Value;
        var setup = await test.SaveAsync(account.Account.Number, GatewayMethodKind.Card, "Visa", number[^4..], 12, 2034, "Test Holder", behaviour, CancellationToken.None);
        var method = await test.ReadSetupAsync(account.Account.Number, setup, CancellationToken.None);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var saved = new SavedPaymentMethod
        {
            AccountId = account.Account.Id,
            Gateway = TestPaymentGateway.GatewayName,
            Token = method!.Token,
            Kind = PaymentMethodKind.Card,
            Brand = method.Brand,
            Last4 = method.Last4,
            ExpiryMonth = 12,
            ExpiryYear = 2034,
            IsDefault = isDefault,
            CreatedAt = DateTime.UtcNow,
        };
        db.SavedPaymentMethods.Add(saved);
        await db.SaveChangesAsync();
        return saved.Id;
    }

    public static PaymentPlan Plan(PayAccount account, long method, string? key = null, params (long Invoice, decimal Amount)[] parts) =>
        new(key ?? Guid.NewGuid().ToString("N"), AttemptOrigin.Customer, null, account.Account.Id, method,
            parts.Select(p => new PlannedPart(p.Invoice, p.Amount)).ToList());

    /// <summary>Starts and charges a plan the way the confirm handler does; returns the attempt id and its state.</summary>
    public static async Task<(AttemptStart Start, AttemptState? State)> PayAsync(IServiceProvider services, PaymentPlan plan)
    {
        await using var scope = services.CreateAsyncScope();
        var attempts = scope.ServiceProvider.GetRequiredService<PaymentAttempts>();
        var start = await attempts.StartAsync(plan, CancellationToken.None);
        return start is AttemptStart.Created created
            ? (start, await attempts.ChargeAsync(created.Attempt.Id, CancellationToken.None))
            : (start, null);
    }

    /// <summary>Lets the reconciler at an attempt now (as if its grace period had passed) and runs it once.</summary>
    public static async Task<bool> ReconcileNowAsync(IServiceProvider services, Guid attemptId)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
            var past = DateTime.UtcNow.AddMinutes(-10);
            past = new DateTime(past.Ticks - (past.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
            await db.PaymentAttempts.Where(a => a.Id == attemptId).ExecuteUpdateAsync(u => u.SetProperty(a => a.NextCheckAt, past));
        }

        return await services.GetRequiredService<PaymentReconciler>().ReconcileAsync(attemptId, CancellationToken.None);
    }

    public static Task<InvoiceFigures> InvoiceAsync(PortalFactory portal, long id) => portal.WithDbAsync(db =>
        db.Invoices.AsNoTracking().Where(i => i.Id == id)
            .Select(i => new InvoiceFigures(i.Total, i.OpenAmount, i.ReservedAmount,
                db.PaymentAllocations.Where(a => a.InvoiceId == id).Sum(a => (decimal?)a.Amount) ?? 0m))
            .SingleAsync());

    /// <summary>A portal beside the shared one, on the same database, whose gateway counts its charge calls.</summary>
    public static WebApplicationFactory<Program> Counting(PortalFactory portal, CountingGateway counter) =>
        portal.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPaymentGateway>(sp =>
        {
            counter.Inner = sp.GetRequiredService<TestPaymentGateway>();
            return counter;
        })));
}

public sealed record InvoiceFigures(decimal Total, decimal Open, decimal Reserved, decimal Allocated);

/// <summary>The test gateway, counting how often it is asked to charge (per key and in all).</summary>
public sealed class CountingGateway : IPaymentGateway
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _byKey = new();
    private int _charges;

    public IPaymentGateway Inner { get; set; } = null!;

    public int Charges => _charges;

    /// <summary>The most times one idempotency key was sent to the gateway.</summary>
    public int MostChargesPerKey => _byKey.IsEmpty ? 0 : _byKey.Values.Max();

    public string Name => Inner.Name;

    public Task<GatewaySetup> StartSetupAsync(string accountReference, IReadOnlyCollection<GatewayMethodKind> kinds, string returnUrl, CancellationToken ct) =>
        Inner.StartSetupAsync(accountReference, kinds, returnUrl, ct);

    public Task<GatewayMethod?> ReadSetupAsync(string accountReference, string setupReference, CancellationToken ct) =>
        Inner.ReadSetupAsync(accountReference, setupReference, ct);

    public Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken ct)
    {
        Interlocked.Increment(ref _charges);
        _byKey.AddOrUpdate(request.IdempotencyKey, 1, (_, n) => n + 1);
        return Inner.ChargeAsync(request, ct);
    }

    public Task<ChargeResult> FindChargeAsync(string idempotencyKey, CancellationToken ct) => Inner.FindChargeAsync(idempotencyKey, ct);

    public Task DeleteMethodAsync(string token, CancellationToken ct) => Inner.DeleteMethodAsync(token, ct);
}
