using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Payments;

public sealed class DetailsTests(PortalFactory portal)
{
    [Fact]
    public async Task Receipt_lists_the_invoices_the_payment_paid_with_amounts_and_links()
    {
        var ct = TestContext.Current.CancellationToken;
        var payment = await portal.WithDbAsync(db => db.Payments
            .Where(p => db.Accounts.Any(a => a.Id == p.AccountId && a.Number == "10001") && p.Allocations.Count > 0)
            .Select(p => new { p.Number, p.MethodDetail, Invoice = p.Allocations.First().Invoice!.Number, p.Allocations.First().Amount })
            .FirstAsync(ct));
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var html = await client.GetStringAsync("/payments/" + payment.Number, ct);

        Assert.Contains(payment.Number, html, StringComparison.Ordinal);
        Assert.Contains(payment.MethodDetail!, html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/invoices/{payment.Invoice}\"", html, StringComparison.Ordinal);
        Assert.Contains(payment.Amount.ToString("C", System.Globalization.CultureInfo.GetCultureInfo("en-US")), html, StringComparison.Ordinal);
        Assert.Contains("badge-succeeded", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_accounts_payment_number_is_not_found()
    {
        var ct = TestContext.Current.CancellationToken;
        var foreign = await portal.WithDbAsync(db => db.Payments
            .Where(p => db.Accounts.Any(a => a.Id == p.AccountId && a.Number == "30001")).Select(p => p.Number).FirstAsync(ct));
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var response = await client.GetAsync("/payments/" + foreign, ct);
        var unknown = await client.GetAsync("/payments/NOPE", ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
