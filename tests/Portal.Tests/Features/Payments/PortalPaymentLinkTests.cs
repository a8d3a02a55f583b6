using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Payments;
using Portal.Tests.Features.Integration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Payments;

public sealed class PortalPaymentLinkTests(PortalFactory portal)
{
    [Fact]
    public async Task The_billing_system_sending_a_portal_payment_back_by_its_number_links_it_and_never_duplicates()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await PayTestData.AccountAsync(portal, 100m);
        var card = await PayTestData.CardAsync(portal.Services, account, PayTestData.Succeeds);
        var (start, state) = await PayTestData.PayAsync(portal.Services, PayTestData.Plan(account, card, null, (account.Invoices[0], 100m)));
        Assert.Equal(AttemptState.Succeeded, state);
        var paid = await portal.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.AttemptId == ((AttemptStart.Created)start).Attempt.Id, ct));
        var accountExternalId = "T-" + account.Account.Number[1..];
        var client = await portal.CreateApiClientAsync();
        var externalId = ApiClient.NewId("PAY");
        object Body(decimal amount) => new { account = accountExternalId, number = paid.Number, receivedAt = "2026-11-02T15:30:00Z", method = "card", methodDetail = "Visa ending 4242", amount, currency = "USD" };

        var linked = await client.PutJsonAsync($"/api/v1/payments/{externalId}", Body(100m));
        var again = await client.PutJsonAsync($"/api/v1/payments/{externalId}", Body(100m));
        var other = await client.PutJsonAsync($"/api/v1/payments/{ApiClient.NewId("PAY")}", Body(100m));
        var changed = await client.PutJsonAsync($"/api/v1/payments/{externalId}", Body(90m));

        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        var payments = await portal.WithDbAsync(db => db.Payments.AsNoTracking().Where(p => p.AccountId == account.Account.Id).ToListAsync(ct));
        var only = Assert.Single(payments);
        Assert.Equal(externalId, only.ExternalId);
        Assert.Equal(0m, (await PayTestData.InvoiceAsync(portal, account.Invoices[0])).Open);
    }
}
