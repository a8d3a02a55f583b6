using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Features.Integration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Invoices;

public sealed class InvoicesApiTests(PortalFactory portal)
{
    private static readonly string Pdf = Convert.ToBase64String(Encoding.ASCII.GetBytes("%PDF-1.4\n% test\n%%EOF\n"));

    private static object Line(decimal quantity, decimal unitPrice, decimal taxAmount = 0m, string description = "Skid steer rental") =>
        new { productCode = "SKID", description, quantity, unit = "day", unitPrice, taxAmount };

    private static object Body(string account, string number, object[] lines, decimal? total = null, string currency = "USD", string issueDate = "2026-10-01", string dueDate = "2026-10-31", bool isVoid = false, object[]? attachments = null) => new
    {
        account,
        number,
        issueDate,
        dueDate,
        currency,
        lines,
        total,
        purchaseOrder = "PO-1",
        memo = "Thank you",
        branch = "BOS",
        periodStart = "2026-09-01",
        periodEnd = "2026-09-30",
        @void = isVoid,
        attachments,
    };

    [Fact]
    public async Task A_new_invoice_is_201_with_amounts_computed_by_the_portal()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var id = ApiClient.NewId("INV");

        // 3 x 0.3333 = 0.9999 -> 1.00; 2.5 x 0.01 = 0.025 -> 0.03 (half away from zero); discount line -> -5.00.
        var response = await client.PutJsonAsync($"/api/v1/invoices/{id}", Body(account, id, [Line(3m, 0.3333m, 0.06m), Line(2.5m, 0.01m), Line(1m, -5m)], total: -3.91m));
        var negative = await response.ProblemAsync(HttpStatusCode.BadRequest, "lines");

        var ok = await client.PutJsonAsync($"/api/v1/invoices/{id}", Body(account, id, [Line(3m, 0.3333m, 0.06m), Line(2.5m, 0.01m), Line(10m, 12.5m, 7.81m)], total: 133.90m));

        Assert.Contains("negative", negative.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Equal($"/api/v1/invoices/{id}", ok.Headers.Location?.ToString());
        var json = await ok.JsonAsync();
        Assert.Equal(126.03m, (decimal)json["subtotal"]!);
        Assert.Equal(7.87m, (decimal)json["taxTotal"]!);
        Assert.Equal(133.90m, (decimal)json["total"]!);
        Assert.Equal(133.90m, (decimal)json["openAmount"]!);
        Assert.Equal(1.00m, (decimal)json["lines"]![0]!["amount"]!);
        Assert.Equal(0.03m, (decimal)json["lines"]![1]!["amount"]!);
        Assert.Equal(account, (string?)json["account"]);
    }

    [Fact]
    public async Task The_same_put_twice_is_200_and_writes_nothing()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var id = ApiClient.NewId("INV");
        var body = Body(account, id, [Line(2m, 10m, 1.25m), Line(1m, 5m)], attachments: [new { fileName = "inv.pdf", contentType = "application/pdf", contentBase64 = Pdf }]);
        var created = await client.PutJsonAsync($"/api/v1/invoices/{id}", body);
        var before = await portal.SnapshotAsync(account);

        var again = await client.PutJsonAsync($"/api/v1/invoices/{id}", body);
        var got = await client.GetAsync($"/api/v1/invoices/{id}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(ApiClient.Canonical(await created.JsonAsync()), ApiClient.Canonical(await again.JsonAsync()));
        Assert.Equal(ApiClient.Canonical(await created.JsonAsync()), ApiClient.Canonical(await got.JsonAsync()));
        Assert.Equal(26.25m, (decimal)(await again.JsonAsync())["total"]!);
        Assert.Equal(before, await portal.SnapshotAsync(account));
    }

    [Fact]
    public async Task An_update_replaces_lines_and_keeps_attachments_when_none_are_sent()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var id = ApiClient.NewId("INV");
        await client.PutJsonAsync($"/api/v1/invoices/{id}", Body(account, id, [Line(1m, 10m), Line(1m, 20m), Line(1m, 30m)], attachments: [new { fileName = "inv.pdf", contentType = "application/pdf", contentBase64 = Pdf }]));
        var versionBefore = await VersionAsync(id);

        var updated = await client.PutJsonAsync($"/api/v1/invoices/{id}", Body(account, id, [Line(2m, 10m, description: "Changed")]));
        var got = await (await client.GetAsync($"/api/v1/invoices/{id}", TestContext.Current.CancellationToken)).JsonAsync();

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(20m, (decimal)got["total"]!);
        Assert.Single(got["lines"]!.AsArray());
        Assert.Equal("Changed", (string?)got["lines"]![0]!["description"]);
        Assert.Equal("inv.pdf", (string?)got["attachments"]![0]!["fileName"]);
        Assert.Equal(1, await portal.WithDbAsync(db => db.InvoiceLines.CountAsync(l => db.Invoices.Any(i => i.Id == l.InvoiceId && i.ExternalId == id), TestContext.Current.CancellationToken)));
        Assert.True(await VersionAsync(id) > versionBefore, "An update must move the concurrency version, or a payment racing it could overwrite the new figures.");
    }

    private Task<long> VersionAsync(string invoice) =>
        portal.WithDbAsync(db => db.Invoices.Where(i => i.ExternalId == invoice).Select(i => i.Version).SingleAsync(TestContext.Current.CancellationToken));

    public static TheoryData<string, string> BadInvoices => new()
    {
        { "negative quantity", "lines[0].quantity" },
        { "five decimals in a unit price", "lines[0].unitPrice" },
        { "three decimals of tax in USD", "lines[0].taxAmount" },
        { "a line amount that is not quantity x price", "lines[0].amount" },
        { "a total the lines do not add up to", "total" },
        { "a due date before the issue date", "dueDate" },
        { "an unknown account", "account" },
        { "another currency than the account's", "currency" },
        { "no lines", "lines" },
        { "a line without a description", "lines[0].description" },
        { "a missing issue date", "issueDate" },
    };

    [Theory]
    [MemberData(nameof(BadInvoices))]
    public async Task Bad_input_is_400_naming_the_field_and_writes_nothing(string what, string field)
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var id = ApiClient.NewId("INV");
        object body = what switch
        {
            "negative quantity" => Body(account, id, [Line(-1m, 10m)]),
            "five decimals in a unit price" => Body(account, id, [Line(1m, 10.00001m)]),
            "three decimals of tax in USD" => Body(account, id, [Line(1m, 10m, 0.125m)]),
            "a line amount that is not quantity x price" => Body(account, id, [new { description = "x", quantity = 2m, unitPrice = 5m, amount = 11m }]),
            "a total the lines do not add up to" => Body(account, id, [Line(1m, 10m)], total: 11m),
            "a due date before the issue date" => Body(account, id, [Line(1m, 10m)], issueDate: "2026-10-10", dueDate: "2026-10-01"),
            "an unknown account" => Body("NO-SUCH-ACCOUNT", id, [Line(1m, 10m)]),
            "another currency than the account's" => Body(account, id, [Line(1m, 10m)], currency: "EUR"),
            "no lines" => Body(account, id, []),
            "a line without a description" => Body(account, id, [new { quantity = 1m, unitPrice = 5m }]),
            "a missing issue date" => new { account, number = id, dueDate = "2026-10-31", currency = "USD", lines = new[] { Line(1m, 1m) } },
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };
        var before = await portal.SnapshotAsync(account);

        var response = await client.PutJsonAsync($"/api/v1/invoices/{id}", body);

        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await portal.SnapshotAsync(account));
        Assert.False(await portal.WithDbAsync(db => db.Invoices.AnyAsync(i => i.ExternalId == id, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task A_bad_update_leaves_the_stored_invoice_as_it_was()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var id = ApiClient.NewId("INV");
        await client.PutJsonAsync($"/api/v1/invoices/{id}", Body(account, id, [Line(1m, 10m), Line(1m, 20m)]));
        var before = await portal.SnapshotAsync(account);

        var response = await client.PutJsonAsync($"/api/v1/invoices/{id}", Body(account, id, [Line(1m, 10m), Line(-2m, 20m)]));

        await response.ProblemAsync(HttpStatusCode.BadRequest, "lines[1].quantity");
        Assert.Equal(before, await portal.SnapshotAsync(account));
    }

    [Fact]
    public async Task A_number_taken_by_another_invoice_is_409()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var first = await client.NewInvoiceAsync(account, 10m);
        var id = ApiClient.NewId("INV");
        var before = await portal.SnapshotAsync(account);

        var response = await client.PutJsonAsync($"/api/v1/invoices/{id}", Body(account, first, [Line(1m, 10m)]));

        await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(before, await portal.SnapshotAsync(account));
    }

    [Fact]
    public async Task An_invoice_cannot_move_to_another_account()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var other = await client.NewAccountAsync();
        var id = await client.NewInvoiceAsync(account, 10m);

        var response = await client.PutJsonAsync($"/api/v1/invoices/{id}", ApiClient.Invoice(other, id, 10m));

        await response.ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Voiding_is_an_update_allowed_only_while_nothing_is_applied()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var free = await client.NewInvoiceAsync(account, 50m);
        var paid = await client.NewInvoiceAsync(account, 80m);
        var payment = await client.PutJsonAsync($"/api/v1/payments/{ApiClient.NewId("PAY")}", new
        {
            account,
            number = ApiClient.NewId("PAY"),
            receivedAt = "2026-10-05T12:00:00Z",
            method = "check",
            amount = 30m,
            currency = "USD",
            allocations = new[] { new { invoice = paid, amount = 30m } },
        });
        Assert.Equal(HttpStatusCode.Created, payment.StatusCode);
        var before = await portal.SnapshotAsync(account);

        var voidPaid = await client.PutJsonAsync($"/api/v1/invoices/{paid}", Body(account, paid, [Line(1m, 80m)], isVoid: true));
        var belowApplied = await client.PutJsonAsync($"/api/v1/invoices/{paid}", Body(account, paid, [Line(1m, 20m)]));
        Assert.Equal(before, await portal.SnapshotAsync(account));
        var voidFree = await client.PutJsonAsync($"/api/v1/invoices/{free}", Body(account, free, [Line(1m, 50m)], isVoid: true));
        var lowered = await client.PutJsonAsync($"/api/v1/invoices/{paid}", Body(account, paid, [Line(1m, 45m)]));

        await voidPaid.ProblemAsync(HttpStatusCode.Conflict);
        await belowApplied.ProblemAsync(HttpStatusCode.Conflict);
        var voided = await voidFree.JsonAsync();
        Assert.Equal("void", (string?)voided["status"]);
        Assert.True((bool)voided["void"]!);
        Assert.Equal(15m, (decimal)(await lowered.JsonAsync())["openAmount"]!);
        var balance = await (await client.GetAsync($"/api/v1/accounts/{account}/balance", TestContext.Current.CancellationToken)).JsonAsync();
        Assert.Equal(15m, (decimal)balance["balance"]!);
    }

    [Fact]
    public async Task Attachments_are_checked_for_type_content_and_size()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var id = ApiClient.NewId("INV");
        var tooBig = Convert.ToBase64String(Encoding.ASCII.GetBytes("%PDF-").Concat(new byte[5 * 1024 * 1024]).ToArray());

        var wrongType = await client.PutJsonAsync($"/api/v1/invoices/{id}", Body(account, id, [Line(1m, 1m)], attachments: [new { fileName = "x.exe", contentType = "application/octet-stream", contentBase64 = Pdf }]));
        var notAPdf = await client.PutJsonAsync($"/api/v1/invoices/{id}", Body(account, id, [Line(1m, 1m)], attachments: [new { fileName = "x.pdf", contentType = "application/pdf", contentBase64 = Convert.ToBase64String("MZ"u8.ToArray()) }]));
        var notBase64 = await client.PutJsonAsync($"/api/v1/invoices/{id}", Body(account, id, [Line(1m, 1m)], attachments: [new { fileName = "x.pdf", contentType = "application/pdf", contentBase64 = "%%%" }]));
        var big = await client.PutJsonAsync($"/api/v1/invoices/{id}", Body(account, id, [Line(1m, 1m)], attachments: [new { fileName = "x.pdf", contentType = "application/pdf", contentBase64 = tooBig }]));
        var withFolder = await client.PutJsonAsync($"/api/v1/invoices/{id}", Body(account, id, [Line(1m, 1m)], attachments: [new { fileName = "../x.pdf", contentType = "application/pdf", contentBase64 = Pdf }]));

        await wrongType.ProblemAsync(HttpStatusCode.BadRequest, "attachments[0].contentType");
        await notAPdf.ProblemAsync(HttpStatusCode.BadRequest, "attachments[0].contentBase64");
        await notBase64.ProblemAsync(HttpStatusCode.BadRequest, "attachments[0].contentBase64");
        await big.ProblemAsync(HttpStatusCode.BadRequest, "attachments[0].contentBase64");
        await withFolder.ProblemAsync(HttpStatusCode.BadRequest, "attachments[0].fileName");
        Assert.False(await portal.WithDbAsync(db => db.Invoices.AnyAsync(i => i.ExternalId == id, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Sending_other_attachments_replaces_them_and_an_empty_list_removes_them()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var id = ApiClient.NewId("INV");
        var csv = Convert.ToBase64String("date,hours\n2026-10-01,8\n"u8.ToArray());
        await client.PutJsonAsync($"/api/v1/invoices/{id}", Body(account, id, [Line(1m, 1m)], attachments: [new { fileName = "inv.pdf", contentType = "application/pdf", contentBase64 = Pdf }]));

        var replaced = await (await client.PutJsonAsync($"/api/v1/invoices/{id}", Body(account, id, [Line(1m, 1m)], attachments: [new { fileName = "hours.csv", contentType = "text/csv", contentBase64 = csv }]))).JsonAsync();
        var stored = await portal.WithDbAsync(db => db.InvoiceAttachments.Include(a => a.Content).Where(a => db.Invoices.Any(i => i.Id == a.InvoiceId && i.ExternalId == id)).ToListAsync(TestContext.Current.CancellationToken));
        var removed = await (await client.PutJsonAsync($"/api/v1/invoices/{id}", Body(account, id, [Line(1m, 1m)], attachments: []))).JsonAsync();

        Assert.Equal("hours.csv", (string?)replaced["attachments"]![0]!["fileName"]);
        var only = Assert.Single(stored);
        Assert.Equal("date,hours\n2026-10-01,8\n"u8.ToArray(), only.Content!.Bytes);
        Assert.Empty(removed["attachments"]!.AsArray());
        Assert.False(await portal.WithDbAsync(db => db.InvoiceAttachmentContents.AnyAsync(c => c.AttachmentId == only.Id, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task An_unknown_invoice_is_404_problem()
    {
        var client = await portal.CreateApiClientAsync();

        var response = await client.GetAsync("/api/v1/invoices/NO-SUCH-INVOICE", TestContext.Current.CancellationToken);

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }
}
