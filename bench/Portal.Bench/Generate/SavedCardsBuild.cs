using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Payments;
using Portal.Infrastructure.Payments;
using Portal.Infrastructure.Payments.TestGateway;

namespace Portal.Bench.Generate;

/// <summary>
/// Gives every account a saved test card (4242, succeeds) at the test gateway and in the portal, as
/// if a member had added it, so that the load test can measure paying: the review and the confirm
/// charge that card. Accounts that already have a saved method are left alone, so running it again,
/// or on a database generated with it, changes nothing.
/// </summary>
internal static class SavedCardsBuild
{
    private const int Batch = 2_000;

    public static async Task<int> RunAsync(DatabaseProvider provider, string connection)
    {
        var clock = Stopwatch.StartNew();
        await using var db = new PortalDb(PortalDbOptions.Create(provider, connection));
        await db.Database.MigrateAsync();
        var missing = await db.Accounts
            .Where(a => !db.SavedPaymentMethods.Any(m => m.AccountId == a.Id))
            .OrderBy(a => a.Id)
            .Select(a => new { a.Id, a.Number })
            .ToListAsync();
        var now = DateTime.UtcNow;
        foreach (var chunk in missing.Chunk(Batch))
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            foreach (var account in chunk)
            {
                var token = "tpm_bench_" + account.Number;
                db.Add(new TestGatewayMethod
                {
                    Token = token,
                    SetupReference = "tset_bench_" + account.Number,
                    Customer = account.Number,
                    Kind = GatewayMethodKind.Card,
                    Brand = "Visa",
                    Last4 = "4242",
                    ExpiryMonth = 12,
                    ExpiryYear = now.Year + 3,
                    Holder = "Bench Payer",
                    Behaviour = TestBehaviour.Succeeds,
                    CreatedAt = now,
                });
                db.SavedPaymentMethods.Add(new SavedPaymentMethod
                {
                    AccountId = account.Id,
                    Gateway = "Test",
                    Token = token,
                    Kind = PaymentMethodKind.Card,
                    Brand = "Visa",
                    Last4 = "4242",
                    ExpiryMonth = 12,
                    ExpiryYear = now.Year + 3,
                    Holder = "Bench Payer",
                    IsDefault = true,
                    CreatedAt = now,
                });
            }

            await db.SaveChangesAsync();
            await tx.CommitAsync();
            db.ChangeTracker.Clear();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"saved test cards: {missing.Count:N0} accounts given one in {clock.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }
}
