using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Payments;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Payments;

public sealed class IndexTests(PortalFactory portal)
{
    [Fact]
    public async Task Payments_list_shows_each_payment_with_the_invoices_it_paid_and_none_of_another_account()
    {
        var ct = TestContext.Current.CancellationToken;
        var (mine, foreign) = await portal.WithDbAsync(async db => (
            await db.PaymentAllocations
                .Where(a => db.Payments.Any(p => p.Id == a.PaymentId && db.Accounts.Any(x => x.Id == p.AccountId && x.Number == "10001")))
                .Select(a => new { Payment = db.Payments.Where(p => p.Id == a.PaymentId).Select(p => p.Number).First(), Invoice = a.Invoice!.Number })
                .ToListAsync(ct),
            await db.Payments.Where(p => db.Accounts.Any(x => x.Id == p.AccountId && x.Number == "30001")).Select(p => p.Number).ToListAsync(ct)));
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var html = await client.GetStringAsync("/payments", ct);

        Assert.NotEmpty(mine);
        Assert.All(mine, m =>
        {
            Assert.Contains($"href=\"/payments/{m.Payment}\"", html, StringComparison.Ordinal);
            Assert.Contains($"href=\"/invoices/{m.Invoice}\"", html, StringComparison.Ordinal);
        });
        Assert.All(foreign, n => Assert.DoesNotContain(n, html, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keyset_paging_walks_every_payment_once_newest_first()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var at = new DateTime(2024, 3, 1, 15, 0, 0, DateTimeKind.Utc);
        var payments = Enumerable.Range(1, 55).Select(n => new Payment
        {
            AccountId = account.Id,
            Number = $"{account.Prefix}P{n:D2}",
            ReceivedAt = at.AddHours(n / 3),
            Method = PaymentMethodKind.Check,
            Currency = "USD",
            Amount = 10m,
            UnappliedAmount = 10m,
            Status = PaymentStatus.Succeeded,
            CreatedAt = DateTime.UtcNow,
        }).ToList();
        await portal.WithDbAsync(async db =>
        {
            db.Payments.AddRange(payments);
            await db.SaveChangesAsync(ct);
        });
        var client = await portal.LoginAsync(account.Email);

        var seen = new List<string>();
        string? next = "/payments";
        for (var page = 0; next is not null; page++)
        {
            Assert.True(page < 4, "Paging did not end.");
            var html = await client.GetStringAsync(next, ct);
            seen.AddRange(payments.Select(p => p.Number).Where(n => html.Contains($"href=\"/payments/{n}\"", StringComparison.Ordinal))
                .OrderBy(n => html.IndexOf($"href=\"/payments/{n}\"", StringComparison.Ordinal)));
            next = InvoiceTestData.NextLink(html);
        }

        Assert.Equal(payments.OrderByDescending(p => p.ReceivedAt).ThenByDescending(p => p.Id).Select(p => p.Number), seen);
    }

    [Fact]
    public async Task Bad_cursor_never_fails()
    {
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var response = await client.GetAsync("/payments?after=%F0%9F%92%A5", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_user_without_see_money_is_not_allowed_on_payments_or_receipts()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View | Permissions.Pay);
        var client = await portal.LoginAsync(account.Email);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/payments", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/payments/P-100001", ct)).StatusCode);
    }
}
