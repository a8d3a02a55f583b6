using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Invoices;

/// <summary>The clerk's downloads from the invoice list: CSV as filtered, totals per currency, PDFs of a selection as one ZIP.</summary>
public sealed class ExportTests(PortalFactory portal)
{
    private static readonly DateOnly Day = new(2024, 3, 1);

    [Fact]
    public async Task The_csv_export_holds_exactly_the_filtered_rows_in_the_lists_order_across_batches()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        // More open invoices than one batch, so the export has to walk keyset pages; paid ones filtered out.
        var open = ExportModel.Batch + 3;
        await portal.WithDbAsync(async db =>
        {
            var invoices = Enumerable.Range(1, open).Select(n => InvoiceTestData.NewInvoice(account, n, Day.AddDays(n % 40), 10m + n, 10m + n))
                .Concat(Enumerable.Range(open + 1, 5).Select(n => InvoiceTestData.NewInvoice(account, n, Day, 20m, 0m))).ToList();
            db.Invoices.AddRange(invoices);
            db.Payments.AddRange(InvoiceTestData.PaymentsFor(invoices));
            await db.SaveChangesAsync(ct);
        });
        var client = await portal.LoginAsync(account.Email);

        var response = await client.GetAsync("/invoices/export?status=open&sort=number&dir=asc", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        var lines = (await response.Content.ReadAsStringAsync(ct)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("Invoice,Issued,Due,Purchase order,Status,Currency,Total,Open balance", lines[0]);
        var numbers = lines.Skip(1).Select(l => l.Split(',')[0]).ToList();
        Assert.Equal(open, numbers.Count);
        Assert.Equal(numbers.Order(StringComparer.Ordinal), numbers);
        Assert.Equal(open, numbers.Distinct().Count());
        var first = account.Prefix + "001";
        Assert.Contains($"{first},2024-03-02,2024-04-01,,Overdue,USD,11.00,11.00", lines);
    }

    [Fact]
    public async Task A_user_who_may_not_see_money_gets_the_csv_without_amounts()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View);
        await portal.WithDbAsync(async db =>
        {
            db.Invoices.Add(InvoiceTestData.NewInvoice(account, 1, Day, 99.5m, 99.5m, po: "=HYPERLINK(1)"));
            await db.SaveChangesAsync(ct);
        });
        var client = await portal.LoginAsync(account.Email);

        var csv = (await client.GetStringAsync("/invoices/export", ct)).TrimStart('\uFEFF');

        Assert.StartsWith("Invoice,Issued,Due,Purchase order,Status\r\n", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("99.5", csv, StringComparison.Ordinal);
        // A cell a spreadsheet would run as a formula is written as text.
        Assert.Contains("'=HYPERLINK(1)", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_totals_the_filtered_rows_per_currency_never_across_currencies()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        await portal.WithDbAsync(async db =>
        {
            var usd1 = InvoiceTestData.NewInvoice(account, 1, Day, 100m, 100m);
            var usd2 = InvoiceTestData.NewInvoice(account, 2, Day, 50.25m, 20m);
            var cad = InvoiceTestData.NewInvoice(account, 3, Day, 70m, 70m);
            cad.Currency = "CAD";
            var voided = InvoiceTestData.NewInvoice(account, 4, Day, 1000m, 0m, isVoid: true);
            db.Invoices.AddRange(usd1, usd2, cad, voided);
            db.Payments.AddRange(InvoiceTestData.PaymentsFor([usd2]));
            await db.SaveChangesAsync(ct);
        });
        var client = await portal.LoginAsync(account.Email);

        var html = await client.GetStringAsync("/invoices?status=open", ct);

        Assert.Contains("2 invoices in USD: total $150.25, open $120.00", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains("1 invoices in CAD: total CA$70.00, open CA$70.00", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.DoesNotContain("220", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/invoices/export?sort=issued&amp;dir=desc&amp;status=open\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/invoices/{account.Prefix}001/pdf\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_zip_holds_the_selected_invoices_pdfs_and_nothing_of_another_account()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var other = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        await portal.WithDbAsync(async db =>
        {
            db.Invoices.AddRange(InvoiceTestData.NewInvoice(account, 1, Day, 10m, 10m), InvoiceTestData.NewInvoice(account, 2, Day, 20m, 20m),
                InvoiceTestData.NewInvoice(other, 1, Day, 30m, 30m));
            await db.SaveChangesAsync(ct);
        });
        var client = await portal.LoginAsync(account.Email);

        var response = await PostZipAsync(client, account.Prefix + "001", account.Prefix + "002", other.Prefix + "001");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync(ct)));
        Assert.Equal([$"invoice-{account.Prefix}001.pdf", $"invoice-{account.Prefix}002.pdf"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        foreach (var entry in zip.Entries)
        {
            await using var stream = await entry.OpenAsync(ct);
            var head = new byte[4];
            await stream.ReadExactlyAsync(head, ct);
            Assert.Equal("%PDF", Encoding.ASCII.GetString(head));
        }

        // Only the other account's number: the same 404 as an invoice that does not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await PostZipAsync(client, other.Prefix + "001")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostZipAsync(client, "NO-SUCH-INVOICE")).StatusCode);
        var downloads = await portal.WithDbAsync(db => db.ActivityEntries.CountAsync(e => e.AccountId == account.Id && e.Action == "invoice.downloaded", ct));
        Assert.Equal(2, downloads);
    }

    [Fact]
    public async Task An_empty_or_too_large_selection_gets_a_clear_message_and_no_zip()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var empty = await PostZipAsync(client);
        var tooMany = await PostZipAsync(client, [.. Enumerable.Range(1, InvoiceZip.MaxInvoices + 1).Select(n => "INV-" + n)]);

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("Select at least one invoice to download.", await empty.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains($"A download holds at most {InvoiceZip.MaxInvoices} invoices; you selected {InvoiceZip.MaxInvoices + 1}.", WebUtility.HtmlDecode(await tooMany.Content.ReadAsStringAsync(ct)), StringComparison.Ordinal);
    }

    [Fact]
    public void Zip_entry_names_cannot_leave_the_archives_root()
    {
        Assert.Equal("invoice-.._.._etc_passwd.pdf", InvoiceZip.EntryName("../../etc/passwd"));
    }

    private static Task<HttpResponseMessage> PostZipAsync(HttpClient client, params string[] numbers) =>
        PostZipCoreAsync(client, numbers);

    private static async Task<HttpResponseMessage> PostZipCoreAsync(HttpClient client, string[] numbers)
    {
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, "/invoices");
        var fields = numbers.Select(n => new KeyValuePair<string, string>("invoiceNumber", n))
            .Append(new KeyValuePair<string, string>("__RequestVerificationToken", token));
        return await client.PostAsync("/invoices/zip", new FormUrlEncodedContent(fields));
    }
}
