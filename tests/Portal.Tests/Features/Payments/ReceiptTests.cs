using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Payments;

/// <summary>The receipt PDF of a payment and the CSV exports of the payment and credit lists.</summary>
public sealed class ReceiptTests(PortalFactory portal)
{
    [Fact]
    public async Task The_receipt_pdf_names_the_operator_account_amount_method_date_time_zone_and_the_invoices_paid()
    {
        var ct = TestContext.Current.CancellationToken;
        var payment = await portal.WithDbAsync(db => db.Payments
            .Where(p => db.Accounts.Any(a => a.Id == p.AccountId && a.Number == "10001") && p.Allocations.Count > 0 && p.MethodDetail != null)
            .Select(p => new { p.Number, p.Amount, p.MethodDetail, Invoice = p.Allocations.First().Invoice!.Number })
            .FirstAsync(ct));
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var list = await client.GetStringAsync("/payments", ct);
        var page = await client.GetStringAsync("/payments/" + payment.Number, ct);
        var response = await client.GetAsync($"/payments/{payment.Number}/pdf", ct);

        Assert.Contains($"href=\"/payments/{payment.Number}/pdf\"", list, StringComparison.Ordinal);
        Assert.Contains($"href=\"/payments/{payment.Number}/pdf\"", page, StringComparison.Ordinal);
        Assert.Contains("data-test=\"time-zone-note\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        Assert.Equal("%PDF", Encoding.ASCII.GetString(bytes, 0, 4));
        var text = await InvoiceTestData.PdfTextAsync(bytes);
        if (text is null)
        {
            return;
        }

        Assert.Contains("RECEIPT", text, StringComparison.Ordinal);
        Assert.Contains("Bayside Construction LLC", text, StringComparison.Ordinal);
        Assert.Contains("Account 10001", text, StringComparison.Ordinal);
        Assert.Contains(payment.Amount.ToString("C", CultureInfo.GetCultureInfo("en-US")), text, StringComparison.Ordinal);
        Assert.Contains(payment.MethodDetail!, text, StringComparison.Ordinal);
        Assert.Contains(payment.Invoice, text, StringComparison.Ordinal);
        Assert.Contains("Times are New York (America/New_York) time.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_accounts_receipt_pdf_is_not_found()
    {
        var ct = TestContext.Current.CancellationToken;
        var foreign = await portal.WithDbAsync(db => db.Payments
            .Where(p => db.Accounts.Any(a => a.Id == p.AccountId && a.Number == "30001")).Select(p => p.Number).FirstAsync(ct));
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/payments/{foreign}/pdf", ct)).StatusCode);
    }

    [Fact]
    public async Task The_payments_csv_lists_every_payment_newest_first_with_the_invoices_it_paid()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        await portal.WithDbAsync(async db =>
        {
            var invoices = Enumerable.Range(1, 3).Select(n => InvoiceTestData.NewInvoice(account, n, new DateOnly(2024, 1, n), 100m, 40m)).ToList();
            db.Invoices.AddRange(invoices);
            db.Payments.AddRange(InvoiceTestData.PaymentsFor(invoices));
            await db.SaveChangesAsync(ct);
        });
        var client = await portal.LoginAsync(account.Email);

        var lines = (await client.GetStringAsync("/payments/export", ct)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("Date and time (New York (America/New_York) time),Payment,Method,Reference,Currency,Amount,Not yet applied to an invoice,Status,Invoices paid", lines[0]);
        Assert.Equal(4, lines.Length);
        // 12:00 UTC on 3 January 2024 is 07:00 in New York.
        Assert.Equal($"2024-01-03 07:00,PAY-{account.Prefix}003,Check,,USD,60.00,0.00,Succeeded,{account.Prefix}003 60.00", lines[1]);
        Assert.StartsWith("2024-01-01 07:00,", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_credits_csv_follows_the_lists_filter()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await portal.LoginAsync(DemoData.CustomerEmail);
        var expected = await portal.WithDbAsync(db => db.CreditMemos
            .Where(c => db.Accounts.Any(a => a.Id == c.AccountId && a.Number == "10001") && c.RemainingAmount > 0m && !c.IsVoid).Select(c => c.Number).ToListAsync(ct));

        var page = await client.GetStringAsync("/credits?show=open", ct);
        var lines = (await client.GetStringAsync("/credits/export?show=open", ct)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains("href=\"/credits/export?show=open\"", page, StringComparison.Ordinal);
        Assert.Equal("Date,Credit memo,Reference,Reason,Currency,Amount,Remaining,Status", lines[0]);
        Assert.Equal(expected.Order(StringComparer.Ordinal), lines.Skip(1).Select(l => l.Split(',')[1]).Order(StringComparer.Ordinal));
    }
}
