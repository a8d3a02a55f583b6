using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Invoices;

public sealed class PdfTests(PortalFactory portal)
{
    [Fact]
    public async Task Pdf_is_a_download_named_after_the_invoice_with_its_number_and_amount_due_in_the_text()
    {
        var ct = TestContext.Current.CancellationToken;
        var invoice = await portal.WithDbAsync(db => db.Invoices
            .Where(i => i.Account!.Number == "10001" && i.OpenAmount > 0m && !i.IsVoid)
            .Select(i => new { i.Number, i.OpenAmount, Line = i.Lines.First().Description }).FirstAsync(ct));
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var response = await client.GetAsync($"/invoices/{invoice.Number}/pdf", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal($"invoice-{invoice.Number}.pdf", response.Content.Headers.ContentDisposition.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        Assert.Equal("%PDF", Encoding.ASCII.GetString(bytes, 0, 4));
        var text = await InvoiceTestData.PdfTextAsync(bytes);
        if (text is null)
        {
            // No poppler here: the document title, written as plain text, still names the invoice.
            Assert.Contains(invoice.Number, Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(invoice.Number, text, StringComparison.Ordinal);
            Assert.Contains("INVOICE", text, StringComparison.Ordinal);
            Assert.Contains("Bayside Construction LLC", text, StringComparison.Ordinal);
            Assert.Contains(invoice.Line, text, StringComparison.Ordinal);
            Assert.Contains(invoice.OpenAmount.ToString("C", CultureInfo.GetCultureInfo("en-US")), text, StringComparison.Ordinal);
            Assert.Contains("Page 1 of 1", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_long_bill_to_name_and_address_wrap_inside_their_column()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        const string name = "Northwestern Regional Consolidated Heavy Equipment Rental and Construction Services Cooperative Zebrawood LLC";
        const string street = "Building 7 Suite 1200 Industrial Park Northeast Frontage Road Extension Quartermile";
        var number = await portal.WithDbAsync(async db =>
        {
            await db.Accounts.Where(a => a.Id == account.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Name, name).SetProperty(a => a.AddressLine1, street), ct);
            var invoice = InvoiceTestData.NewInvoice(account, 1, new DateOnly(2024, 6, 1), 50m, 50m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync(ct);
            return invoice.Number;
        });
        var client = await portal.LoginAsync(account.Email);

        var pdf = await client.GetByteArrayAsync($"/invoices/{number}/pdf", ct);
        var words = await InvoiceTestData.PdfWordsAsync(pdf);
        // ./test.sh installs poppler-utils: a machine without it fails here rather than passing silently.
        Assert.True(words is not null, "pdftotext (poppler-utils) is needed to read the PDF's text.");

        // The facts column (invoice number, dates) starts right of the page's middle: no bill-to word may reach it.
        var (pageWidth, boxes) = words.Value;
        foreach (var word in new[] { "Zebrawood", "LLC", "Quartermile", "Cooperative" })
        {
            var box = Assert.Single(boxes, b => b.Text == word);
            Assert.True(box.XMax <= pageWidth / 2 + 1, $"'{word}' reaches x={box.XMax} of {pageWidth}: it runs into the invoice number column");
        }
    }

    [Fact]
    public async Task Downloading_a_pdf_is_recorded_on_the_activity_trail()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var number = await portal.WithDbAsync(async db =>
        {
            var invoice = InvoiceTestData.NewInvoice(account, 1, new DateOnly(2024, 6, 1), 50m, 50m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync(ct);
            return invoice.Number;
        });
        var client = await portal.LoginAsync(account.Email);

        var response = await client.GetAsync($"/invoices/{number}/pdf", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = await portal.WithDbAsync(db => db.ActivityEntries
            .Where(e => e.AccountId == account.Id && e.Action == "invoice.downloaded").Select(e => new { e.Detail, e.UserId }).ToListAsync(ct));
        var entry = Assert.Single(entries);
        Assert.Equal(number, entry.Detail);
        Assert.NotNull(entry.UserId);
    }

    [Fact]
    public async Task A_long_invoice_breaks_onto_more_pages_with_wrapped_descriptions_and_page_numbers()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var number = await portal.WithDbAsync(async db =>
        {
            var invoice = InvoiceTestData.NewInvoice(account, 1, new DateOnly(2024, 6, 1), 0m, 0m);
            invoice.Lines.Clear();
            for (var n = 1; n <= 120; n++)
            {
                invoice.Lines.Add(new InvoiceLine
                {
                    LineNumber = n,
                    ProductCode = $"P-{n}",
                    Quantity = 2,
                    Unit = "day",
                    UnitPrice = 10m,
                    Amount = 20m,
                    TaxAmount = 1.25m,
                    Description = $"Line {n}: a deliberately long description of rental equipment, delivery, fuel and cleaning that must wrap onto a second line in the table",
                });
            }

            invoice.Subtotal = 2400m;
            invoice.TaxTotal = 150m;
            invoice.Total = 2550m;
            invoice.OpenAmount = 2550m;
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync(ct);
            return invoice.Number;
        });
        var client = await portal.LoginAsync(account.Email);

        var bytes = await client.GetByteArrayAsync($"/invoices/{number}/pdf", ct);

        var text = await InvoiceTestData.PdfTextAsync(bytes);
        if (text is null)
        {
            Assert.True(System.Text.RegularExpressions.Regex.Count(Encoding.Latin1.GetString(bytes), @"/Type\s*/Page\b") > 2);
            return;
        }

        Assert.Contains("Page 1 of ", text, StringComparison.Ordinal);
        Assert.Contains("Page 3 of ", text, StringComparison.Ordinal);
        Assert.Contains("Line 120:", text, StringComparison.Ordinal);
        Assert.Contains("$2,550.00", text, StringComparison.Ordinal);
        // The long description wraps rather than being cut off: its last words are there, on a line of their own.
        Assert.Matches(@"(?m)^\s+line in the table\s*$", text);
    }
}
