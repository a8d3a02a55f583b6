using Microsoft.EntityFrameworkCore;
using Portal.Features.Ledger;
using Portal.Features.Payments;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Ledger;

// The invariants are checked on a database of its own: other tests arrange rows directly in the shared
// one (an invoice with an open amount and no allocations), which is fine for them and noise here.
public sealed class AccountFiguresTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = new();

    public async ValueTask InitializeAsync() => await _portal.InitializeAsync();

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task Balance_from_running_figures_equals_documents_less_money_received_for_every_account()
    {
        var ct = TestContext.Current.CancellationToken;
        await _portal.WithDbAsync(async db =>
        {
            var today = new DateOnly(2100, 1, 1);
            foreach (var accountId in await db.Accounts.Select(a => a.Id).ToListAsync(ct))
            {
                // The slow, obvious way, in memory: every document ever issued less every payment and credit.
                var invoiced = (await db.Invoices.Where(i => i.AccountId == accountId && !i.IsVoid).Select(i => i.Total).ToListAsync(ct)).Sum();
                var paid = (await db.Payments.Where(p => p.AccountId == accountId && p.Status == PaymentStatus.Succeeded).Select(p => p.Amount).ToListAsync(ct)).Sum();
                var credited = (await db.CreditMemos.Where(c => c.AccountId == accountId && !c.IsVoid).Select(c => c.Amount).ToListAsync(ct)).Sum();

                var figures = await AccountFigures.LoadAsync(db, accountId, today, ct);

                Assert.Equal(invoiced - paid - credited, figures.Balance);
            }
        });
    }

    [Fact]
    public async Task Every_invoice_open_amount_is_its_total_less_its_allocations()
    {
        var ct = TestContext.Current.CancellationToken;
        await _portal.WithDbAsync(async db =>
        {
            var invoices = await db.Invoices.Select(i => new { i.Id, i.Total, i.OpenAmount }).ToListAsync(ct);
            var paid = (await db.PaymentAllocations.Select(a => new { a.InvoiceId, a.Amount }).ToListAsync(ct)).ToLookup(a => a.InvoiceId, a => a.Amount);
            var credited = (await db.CreditApplications.Select(a => new { a.InvoiceId, a.Amount }).ToListAsync(ct)).ToLookup(a => a.InvoiceId, a => a.Amount);

            Assert.NotEmpty(invoices);
            Assert.All(invoices, i => Assert.Equal(i.Total - paid[i.Id].Sum() - credited[i.Id].Sum(), i.OpenAmount));
        });
    }

    [Fact]
    public async Task Amount_due_now_counts_only_invoices_due_by_today()
    {
        var ct = TestContext.Current.CancellationToken;
        await _portal.WithDbAsync(async db =>
        {
            var bayside = await db.Accounts.SingleAsync(a => a.Number == "10001", ct);
            var longAgo = await AccountFigures.LoadAsync(db, bayside.Id, new DateOnly(2000, 1, 1), ct);
            var farAhead = await AccountFigures.LoadAsync(db, bayside.Id, new DateOnly(2100, 1, 1), ct);

            Assert.Equal(0m, longAgo.AmountDueNow);
            Assert.True(farAhead.AmountDueNow > 0m);
            Assert.Equal(Math.Max(0m, farAhead.OpenInvoicesTotal - farAhead.UnappliedCredits - farAhead.UnappliedPayments), farAhead.AmountDueNow);
            Assert.NotNull(farAhead.LastPaymentAt);
        });
    }
}
