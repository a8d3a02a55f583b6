using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Features.Integration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Credits;

public sealed class CreditsApiTests(PortalFactory portal)
{
    private static object Body(string account, string number, decimal amount, object[]? applications = null, bool isVoid = false, string currency = "USD") => new
    {
        account,
        number,
        date = "2026-10-10",
        amount,
        currency,
        reference = "RMA-1",
        reason = "Returned early",
        @void = isVoid,
        applications,
    };

    private static object Apply(string invoice, decimal amount) => new { invoice, amount };

    private Task<decimal> OpenAsync(string invoice) =>
        portal.WithDbAsync(db => db.Invoices.Where(i => i.ExternalId == invoice).Select(i => i.OpenAmount).SingleAsync(TestContext.Current.CancellationToken));

    [Fact]
    public async Task A_credit_is_applied_and_the_same_put_twice_changes_nothing()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var invoice = await client.NewInvoiceAsync(account, 100m);
        var id = ApiClient.NewId("CM");
        var body = Body(account, id, 60m, [Apply(invoice, 40m)]);

        var created = await client.PutJsonAsync($"/api/v1/credits/{id}", body);
        var before = await portal.SnapshotAsync(account);
        var again = await client.PutJsonAsync($"/api/v1/credits/{id}", body);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/credits/{id}", created.Headers.Location?.ToString());
        Assert.Equal(ApiClient.Canonical(await created.JsonAsync()), ApiClient.Canonical(await again.JsonAsync()));
        var json = await again.JsonAsync();
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(20m, (decimal)json["remainingAmount"]!);
        Assert.Equal(invoice, (string?)json["applications"]![0]!["invoice"]);
        Assert.Equal(60m, await OpenAsync(invoice));
        Assert.Equal(before, await portal.SnapshotAsync(account));
    }

    [Fact]
    public async Task A_changed_application_set_releases_the_old_and_applies_the_new()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var first = await client.NewInvoiceAsync(account, 100m);
        var second = await client.NewInvoiceAsync(account, 100m);
        var id = ApiClient.NewId("CM");
        await client.PutJsonAsync($"/api/v1/credits/{id}", Body(account, id, 60m, [Apply(first, 40m)]));

        var moved = await client.PutJsonAsync($"/api/v1/credits/{id}", Body(account, id, 60m, [Apply(first, 10m), Apply(second, 50m)]));

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(90m, await OpenAsync(first));
        Assert.Equal(50m, await OpenAsync(second));
        Assert.Equal(0m, (decimal)(await moved.JsonAsync())["remainingAmount"]!);
        var got = await (await client.GetAsync($"/api/v1/credits/{id}", TestContext.Current.CancellationToken)).JsonAsync();
        Assert.Equal(2, got["applications"]!.AsArray().Count);
        var balance = await (await client.GetAsync($"/api/v1/accounts/{account}/balance", TestContext.Current.CancellationToken)).JsonAsync();
        Assert.Equal(140m, (decimal)balance["balance"]!);
    }

    [Fact]
    public async Task Voiding_a_credit_releases_its_applications()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var invoice = await client.NewInvoiceAsync(account, 100m);
        var id = ApiClient.NewId("CM");
        await client.PutJsonAsync($"/api/v1/credits/{id}", Body(account, id, 60m, [Apply(invoice, 60m)]));

        var voidWithApplications = await client.PutJsonAsync($"/api/v1/credits/{id}", Body(account, id, 60m, [Apply(invoice, 60m)], isVoid: true));
        var voided = await client.PutJsonAsync($"/api/v1/credits/{id}", Body(account, id, 60m, isVoid: true));

        await voidWithApplications.ProblemAsync(HttpStatusCode.BadRequest, "applications");
        var json = await voided.JsonAsync();
        Assert.True((bool)json["void"]!);
        Assert.Empty(json["applications"]!.AsArray());
        Assert.Equal(100m, await OpenAsync(invoice));
        Assert.Equal(0, await portal.WithDbAsync(db => db.CreditApplications.CountAsync(a => db.CreditMemos.Any(c => c.Id == a.CreditMemoId && c.ExternalId == id), TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task More_than_an_invoice_has_open_is_409_naming_the_item_and_writes_nothing()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var invoice = await client.NewInvoiceAsync(account, 30m);
        var existing = ApiClient.NewId("CM");
        await client.PutJsonAsync($"/api/v1/credits/{existing}", Body(account, existing, 10m, [Apply(invoice, 10m)]));
        var before = await portal.SnapshotAsync(account);

        var fresh = ApiClient.NewId("CM");
        var newCredit = await client.PutJsonAsync($"/api/v1/credits/{fresh}", Body(account, fresh, 50m, [Apply(invoice, 25m)]));
        var update = await client.PutJsonAsync($"/api/v1/credits/{existing}", Body(account, existing, 50m, [Apply(invoice, 45m)]));

        await newCredit.ProblemAsync(HttpStatusCode.Conflict, "applications[0].amount");
        await update.ProblemAsync(HttpStatusCode.Conflict, "applications[0].amount");
        Assert.Equal(before, await portal.SnapshotAsync(account));
    }

    public static TheoryData<string, string> BadCredits => new()
    {
        { "an unknown invoice", "applications[0].invoice" },
        { "an invoice of another account", "applications[0].invoice" },
        { "the same invoice twice", "applications[1].invoice" },
        { "applications above the amount", "applications" },
        { "a zero amount", "amount" },
        { "an unknown account", "account" },
        { "another currency than the account's", "currency" },
        { "three decimals in USD", "amount" },
    };

    [Theory]
    [MemberData(nameof(BadCredits))]
    public async Task Bad_input_is_400_naming_the_field_and_writes_nothing(string what, string field)
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var other = await client.NewAccountAsync();
        var invoice = await client.NewInvoiceAsync(account, 100m);
        var foreign = await client.NewInvoiceAsync(other, 100m);
        var id = ApiClient.NewId("CM");
        var body = what switch
        {
            "an unknown invoice" => Body(account, id, 10m, [Apply("NO-SUCH-INVOICE", 5m)]),
            "an invoice of another account" => Body(account, id, 10m, [Apply(foreign, 5m)]),
            "the same invoice twice" => Body(account, id, 10m, [Apply(invoice, 5m), Apply(invoice, 5m)]),
            "applications above the amount" => Body(account, id, 10m, [Apply(invoice, 15m)]),
            "a zero amount" => Body(account, id, 0m),
            "an unknown account" => Body("NO-SUCH-ACCOUNT", id, 10m),
            "another currency than the account's" => Body(account, id, 10m, currency: "GBP"),
            "three decimals in USD" => Body(account, id, 10.005m),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };
        var before = await portal.SnapshotAsync(account);

        var response = await client.PutJsonAsync($"/api/v1/credits/{id}", body);

        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await portal.SnapshotAsync(account));
        Assert.False(await portal.WithDbAsync(db => db.CreditMemos.AnyAsync(c => c.ExternalId == id, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task A_number_taken_by_another_credit_is_409()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var first = ApiClient.NewId("CM");
        await client.PutJsonAsync($"/api/v1/credits/{first}", Body(account, first, 10m));

        var response = await client.PutJsonAsync($"/api/v1/credits/{ApiClient.NewId("CM")}", Body(account, first, 10m));

        await response.ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_unknown_credit_is_404_problem()
    {
        var client = await portal.CreateApiClientAsync();

        var response = await client.GetAsync("/api/v1/credits/NO-SUCH-CREDIT", TestContext.Current.CancellationToken);

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Changing_the_amount_on_the_same_invoice_reapplies_it()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var invoice = await client.NewInvoiceAsync(account, 100m);
        var id = ApiClient.NewId("CM");
        await client.PutJsonAsync($"/api/v1/credits/{id}", Body(account, id, 60m, [Apply(invoice, 40m)]));

        var response = await client.PutJsonAsync($"/api/v1/credits/{id}", Body(account, id, 60m, [Apply(invoice, 55m)]));

        var json = await response.JsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5m, (decimal)json["remainingAmount"]!);
        Assert.Equal(45m, await OpenAsync(invoice));
        Assert.Equal(55m, (decimal)((JsonArray)json["applications"]!)[0]!["amount"]!);
    }
}
