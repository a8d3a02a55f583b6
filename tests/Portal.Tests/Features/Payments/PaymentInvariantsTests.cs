using FsCheck;
using FsCheck.Fluent;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Ledger;
using Portal.Features.Payments;
using Portal.Tests.Infrastructure;
using static Portal.Tests.Features.Payments.PayTestData;

namespace Portal.Tests.Features.Payments;

/// <summary>
/// Random sequences of portal payments (full, partial, oldest first), declines, timeouts, reconciler
/// passes, replays and billing-system payments keep every money invariant after every step.
/// </summary>
public sealed class PaymentInvariantsTests(PortalFactory portal)
{
    private static readonly decimal[] Totals = [100m, 50m, 75.25m];

    private static readonly string[] Cards = [Succeeds, Succeeds, Declined, TimeoutCharged, TimeoutNothing];

    /// <summary>One step: 0 pay chosen invoices, 1 pay an amount oldest first, 2 reconcile, 3 billing-system payment, 4 replay the last confirm.</summary>
    public sealed record Step(int Kind, int Card, int[] Invoices, int[] Cents);

    private static Gen<Step> StepGen =>
        from kind in Gen.Choose(0, 4)
        from card in Gen.Choose(0, Cards.Length - 1)
        from invoices in Gen.Choose(0, 2).ArrayOf().Select(a => a.Distinct().Take(3).ToArray())
        from cents in Gen.Choose(-100, 11000).ArrayOf(3)
        select new Step(kind, card, invoices, cents);

    [Fact]
    public void Every_sequence_keeps_the_money_invariants()
    {
        var property = Prop.ForAll(StepGen.ListOf().Select(l => l.Take(8).ToArray()).ToArbitrary(), steps =>
        {
            RunAsync(steps).GetAwaiter().GetResult();
            return true;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(12), property);
    }

    private async Task RunAsync(Step[] steps)
    {
        var counter = new CountingGateway();
        await using var host = Counting(portal, counter);
        var services = host.Services;
        var account = await AccountAsync(portal, Totals);
        var cards = new Dictionary<int, long>();
        PaymentPlan? last = null;
        foreach (var step in steps)
        {
            switch (step.Kind)
            {
                case 0 or 1:
                    if (!cards.TryGetValue(step.Card, out var card))
                    {
                        card = cards[step.Card] = await CardAsync(services, account, Cards[step.Card]);
                    }

                    var parts = step.Kind == 0
                        ? step.Invoices.Select((i, n) => (account.Invoices[i], step.Cents[n] / 100m)).ToArray()
                        : await OldestFirstAsync(account, step.Cents[0] / 100m);
                    last = Plan(account, card, null, parts);
                    await PayAsync(services, last);
                    break;
                case 2:
                    var open = await portal.WithDbAsync(db => db.PaymentAttempts.Where(a => a.AccountId == account.Account.Id && a.State != AttemptState.Succeeded && a.State != AttemptState.Failed).Select(a => a.Id).ToListAsync());
                    foreach (var id in open)
                    {
                        await ReconcileNowAsync(services, id);
                    }

                    break;
                case 3:
                    await BillingPaymentAsync(account.Invoices[step.Invoices.FirstOrDefault()], Math.Abs(step.Cents[0]) / 100m);
                    break;
                default:
                    if (last is not null)
                    {
                        var before = counter.Charges;
                        var (start, _) = await PayAsync(services, last);
                        Assert.True(start is not AttemptStart.Created || before < counter.Charges, "A replayed confirm created a new attempt.");
                        Assert.IsNotType<AttemptStart.Created>(start);
                    }

                    break;
            }

            await AssertInvariantsAsync(account);
            Assert.True(counter.MostChargesPerKey <= 1, "One idempotency key was sent to the gateway twice.");
        }
    }

    private async Task<(long, decimal)[]> OldestFirstAsync(PayAccount account, decimal amount)
    {
        var invoices = await portal.WithDbAsync(db => db.Invoices.AsNoTracking().Where(i => account.Invoices.Contains(i.Id)).ToListAsync());
        foreach (var i in invoices)
        {
            i.OpenAmount -= i.ReservedAmount;
        }

        var (parts, _) = Portal.Features.Ledger.Ledger.OldestFirst(invoices, Math.Max(0.01m, amount));
        return parts.Select(p => (p.Invoice.Id, p.Amount)).ToArray();
    }

    private Task BillingPaymentAsync(long invoiceId, decimal amount) => portal.WithDbAsync(async db =>
    {
        var invoice = await db.Invoices.SingleAsync(i => i.Id == invoiceId);
        var take = Math.Min(amount, invoice.OpenAmount);
        if (take <= 0m)
        {
            return;
        }

        var payment = new Payment { AccountId = invoice.AccountId, Number = "BS-" + Guid.NewGuid().ToString("N")[..12], Currency = "USD", Amount = amount, UnappliedAmount = amount, Status = PaymentStatus.Succeeded, Source = PaymentSource.BillingSystem, CreatedAt = DateTime.UtcNow, ReceivedAt = DateTime.UtcNow };
        db.Payments.Add(payment);
        Assert.IsType<LedgerResult.Applied>(new Portal.Features.Ledger.Ledger(TimeProvider.System).AllocatePayment(payment, [new(invoice, take)]));
        await db.SaveChangesAsync();
    });

    private async Task AssertInvariantsAsync(PayAccount account)
    {
        await portal.WithDbAsync(async db =>
        {
            var invoices = await db.Invoices.AsNoTracking().Where(i => i.AccountId == account.Account.Id).ToListAsync();
            var allocations = await db.PaymentAllocations.AsNoTracking().Where(a => account.Invoices.Contains(a.InvoiceId)).ToListAsync();
            var held = await db.PaymentAttemptParts.AsNoTracking()
                .Where(p => p.AccountId == account.Account.Id)
                .Join(db.PaymentAttempts.Where(a => a.State != AttemptState.Succeeded && a.State != AttemptState.Failed), p => p.AttemptId, a => a.Id, (p, a) => p)
                .ToListAsync();
            var payments = await db.Payments.AsNoTracking().Where(p => p.AccountId == account.Account.Id).ToListAsync();
            foreach (var invoice in invoices)
            {
                var allocated = allocations.Where(a => a.InvoiceId == invoice.Id).Sum(a => a.Amount);
                Assert.InRange(invoice.OpenAmount, 0m, invoice.Total);
                Assert.Equal(invoice.Total - allocated, invoice.OpenAmount);
                Assert.Equal(held.Where(p => p.InvoiceId == invoice.Id).Sum(p => p.Amount), invoice.ReservedAmount);
            }

            foreach (var payment in payments)
            {
                var allocated = allocations.Where(a => a.PaymentId == payment.Id).Sum(a => a.Amount);
                Assert.Equal(payment.Amount, payment.UnappliedAmount + allocated);
                Assert.True(payment.Status == PaymentStatus.Succeeded || allocated == 0m, $"Payment {payment.Number} is {payment.Status} but allocated.");
            }

            var figures = await AccountFigures.LoadAsync(db, account.Account.Id, new DateOnly(2026, 11, 30));
            var unapplied = payments.Where(p => p.Status == PaymentStatus.Succeeded).Sum(p => p.UnappliedAmount);
            Assert.Equal(invoices.Sum(i => i.OpenAmount) - unapplied, figures.Balance);
        });
    }
}
