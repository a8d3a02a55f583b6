using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Payments;
using Portal.Tests.Features.Integration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Payments;

public sealed class PaymentsApiTests(PortalFactory portal)
{
    private static object Body(string account, string number, decimal amount, object[]? allocations = null, string status = "succeeded", string method = "check", string? methodDetail = "Check 10452", string receivedAt = "2026-10-05T15:30:00-04:00", string currency = "USD") => new
    {
        account,
        number,
        receivedAt,
        method,
        methodDetail,
        amount,
        currency,
        status,
        allocations,
    };

    private static object Allocate(string invoice, decimal amount) => new { invoice, amount };

    private Task<decimal> OpenAsync(string invoice) =>
        portal.WithDbAsync(db => db.Invoices.Where(i => i.ExternalId == invoice).Select(i => i.OpenAmount).SingleAsync(TestContext.Current.CancellationToken));

    [Fact]
    public async Task A_payment_from_the_billing_system_is_allocated_and_the_same_put_twice_changes_nothing()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var invoice = await client.NewInvoiceAsync(account, 100m);
        var id = ApiClient.NewId("PAY");
        var body = Body(account, id, 120m, [Allocate(invoice, 100m)]);

        var created = await client.PutJsonAsync($"/api/v1/payments/{id}", body);
        var before = await portal.SnapshotAsync(account);
        var again = await client.PutJsonAsync($"/api/v1/payments/{id}", body);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/payments/{id}", created.Headers.Location?.ToString());
        Assert.Equal(ApiClient.Canonical(await created.JsonAsync()), ApiClient.Canonical(await again.JsonAsync()));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var json = await again.JsonAsync();
        Assert.Equal(20m, (decimal)json["unappliedAmount"]!);
        Assert.Equal("check", (string?)json["method"]);
        Assert.Equal("succeeded", (string?)json["status"]);
        Assert.Equal(new DateTime(2026, 10, 5, 19, 30, 0, DateTimeKind.Utc), (DateTime)json["receivedAt"]!);
        Assert.Equal(0m, await OpenAsync(invoice));
        Assert.Equal(before, await portal.SnapshotAsync(account));
        var stored = await portal.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.ExternalId == id, TestContext.Current.CancellationToken));
        Assert.Equal(PaymentSource.BillingSystem, stored.Source);
        var got = await (await client.GetAsync($"/api/v1/payments/{id}", TestContext.Current.CancellationToken)).JsonAsync();
        Assert.Equal(100m, (decimal)got["allocations"]![0]!["amount"]!);
    }

    [Fact]
    public async Task Reallocating_releases_the_old_allocations_and_applies_the_new()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var first = await client.NewInvoiceAsync(account, 100m);
        var second = await client.NewInvoiceAsync(account, 100m);
        var id = ApiClient.NewId("PAY");
        await client.PutJsonAsync($"/api/v1/payments/{id}", Body(account, id, 100m, [Allocate(first, 100m)]));

        var moved = await client.PutJsonAsync($"/api/v1/payments/{id}", Body(account, id, 100m, [Allocate(first, 30m), Allocate(second, 70m)]));

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(70m, await OpenAsync(first));
        Assert.Equal(30m, await OpenAsync(second));
        var balance = await (await client.GetAsync($"/api/v1/accounts/{account}/balance", TestContext.Current.CancellationToken)).JsonAsync();
        Assert.Equal(100m, (decimal)balance["balance"]!);
    }

    [Theory]
    [InlineData("failed")]
    [InlineData("refunded")]
    public async Task A_payment_that_fails_or_is_refunded_releases_its_allocations(string status)
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var invoice = await client.NewInvoiceAsync(account, 100m);
        var id = ApiClient.NewId("PAY");
        await client.PutJsonAsync($"/api/v1/payments/{id}", Body(account, id, 100m, [Allocate(invoice, 100m)]));

        var stillAllocated = await client.PutJsonAsync($"/api/v1/payments/{id}", Body(account, id, 100m, [Allocate(invoice, 100m)], status: status));
        var released = await client.PutJsonAsync($"/api/v1/payments/{id}", Body(account, id, 100m, [], status: status));

        await stillAllocated.ProblemAsync(HttpStatusCode.BadRequest, "allocations");
        var json = await released.JsonAsync();
        Assert.Equal(status, (string?)json["status"]);
        Assert.Empty(json["allocations"]!.AsArray());
        Assert.Equal(100m, await OpenAsync(invoice));
        var balance = await (await client.GetAsync($"/api/v1/accounts/{account}/balance", TestContext.Current.CancellationToken)).JsonAsync();
        Assert.Equal(100m, (decimal)balance["balance"]!);
    }

    public static TheoryData<string, string> BadPayments => new()
    {
        { "a full card number in the method detail", "methodDetail" },
        { "a date in the future", "receivedAt" },
        { "an unknown method", "method" },
        { "a negative amount", "amount" },
        { "allocations above the amount", "allocations" },
        { "an unknown invoice", "allocations[0].invoice" },
        { "an unknown account", "account" },
        { "another currency than the account's", "currency" },
        { "a date without an offset", "receivedAt" },
    };

    [Theory]
    [MemberData(nameof(BadPayments))]
    public async Task Bad_input_is_400_naming_the_field_and_writes_nothing(string what, string field)
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var invoice = await client.NewInvoiceAsync(account, 100m);
        var id = ApiClient.NewId("PAY");
        var body = what switch
        {
            "a full card number in the method detail" => Body(account, id, 10m, methodDetail: "Visa 4242 4242 4242 4242"),
            "a date in the future" => Body(account, id, 10m, receivedAt: "2999-01-01T00:00:00Z"),
            "an unknown method" => Body(account, id, 10m, method: "bitcoin"),
            "a negative amount" => Body(account, id, -10m),
            "allocations above the amount" => Body(account, id, 10m, [Allocate(invoice, 20m)]),
            "an unknown invoice" => Body(account, id, 10m, [Allocate("NO-SUCH-INVOICE", 5m)]),
            "an unknown account" => Body("NO-SUCH-ACCOUNT", id, 10m),
            "another currency than the account's" => Body(account, id, 10m, currency: "JPY"),
            "a date without an offset" => Body(account, id, 10m, receivedAt: "yesterday"),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };
        var before = await portal.SnapshotAsync(account);

        var response = await client.PutJsonAsync($"/api/v1/payments/{id}", body);

        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await portal.SnapshotAsync(account));
        Assert.False(await portal.WithDbAsync(db => db.Payments.AnyAsync(p => p.ExternalId == id, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task A_payment_made_in_the_portal_cannot_be_changed_by_the_billing_system()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var id = ApiClient.NewId("PAY");
        await portal.WithDbAsync(async db =>
        {
            var accountId = await db.Accounts.Where(a => a.ExternalId == account).Select(a => a.Id).SingleAsync(TestContext.Current.CancellationToken);
            db.Payments.Add(new Payment { AccountId = accountId, ExternalId = id, Number = id, Currency = "USD", Amount = 10m, UnappliedAmount = 10m, Status = PaymentStatus.Succeeded, Source = PaymentSource.Portal, ReceivedAt = DateTime.UtcNow, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });

        // The same payment sent back links it (PortalPaymentLinkTests); another amount is a change, refused.
        var response = await client.PutJsonAsync($"/api/v1/payments/{id}", Body(account, id, 12m));

        await response.ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_number_taken_by_another_payment_is_409()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var first = ApiClient.NewId("PAY");
        await client.PutJsonAsync($"/api/v1/payments/{first}", Body(account, first, 10m));

        var response = await client.PutJsonAsync($"/api/v1/payments/{ApiClient.NewId("PAY")}", Body(account, first, 10m));

        await response.ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Payments_racing_for_one_invoice_never_overpay_it_and_never_answer_500()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var invoice = await client.NewInvoiceAsync(account, 100m);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
        {
            var id = ApiClient.NewId("PAY");
            return client.PutJsonAsync($"/api/v1/payments/{id}", Body(account, id, 100m, [Allocate(invoice, 100m)]));
        }));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(0m, await OpenAsync(invoice));
        var allocated = await portal.WithDbAsync(async db => (await db.PaymentAllocations.Where(a => db.Invoices.Any(i => i.Id == a.InvoiceId && i.ExternalId == invoice)).Select(a => a.Amount).ToListAsync(TestContext.Current.CancellationToken)).Sum());
        Assert.Equal(100m, allocated);
    }

    [Fact]
    public async Task Invoice_updates_racing_payments_keep_the_open_amount_equal_to_total_less_allocations()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var invoice = await client.NewInvoiceAsync(account, 100m);

        var payments = Enumerable.Range(0, 6).Select(_ =>
        {
            var id = ApiClient.NewId("PAY");
            return client.PutJsonAsync($"/api/v1/payments/{id}", Body(account, id, 10m, [Allocate(invoice, 10m)]));
        });
        var updates = Enumerable.Range(0, 6).Select(i => client.PutJsonAsync($"/api/v1/invoices/{invoice}", ApiClient.Invoice(account, invoice, i % 2 == 0 ? 120m : 100m)));
        var responses = await Task.WhenAll(payments.Concat(updates));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.Conflict }));
        await portal.WithDbAsync(async db =>
        {
            var ct = TestContext.Current.CancellationToken;
            var stored = await db.Invoices.AsNoTracking().SingleAsync(i => i.ExternalId == invoice, ct);
            var allocated = (await db.PaymentAllocations.Where(a => a.InvoiceId == stored.Id).Select(a => a.Amount).ToListAsync(ct)).Sum();
            Assert.Equal(stored.Total - allocated, stored.OpenAmount);
        });
    }

    [Fact]
    public async Task An_unknown_payment_is_404_problem()
    {
        var client = await portal.CreateApiClientAsync();

        var response = await client.GetAsync("/api/v1/payments/NO-SUCH-PAYMENT", TestContext.Current.CancellationToken);

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }
}
