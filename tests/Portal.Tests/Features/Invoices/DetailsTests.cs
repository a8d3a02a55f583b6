using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Invoices;

public sealed class DetailsTests(PortalFactory portal)
{
    [Fact]
    public async Task Detail_shows_lines_totals_and_the_payments_applied_with_links()
    {
        var ct = TestContext.Current.CancellationToken;
        var invoice = await portal.WithDbAsync(db => db.Invoices
            .Where(i => i.Account!.Number == "10001" && i.OpenAmount == 0m && !i.IsVoid)
            .Select(i => new
            {
                i.Number,
                i.Lines.OrderBy(l => l.LineNumber).First().Description,
                Payment = db.PaymentAllocations.Where(a => a.InvoiceId == i.Id).Join(db.Payments, a => a.PaymentId, p => p.Id, (a, p) => p.Number).First(),
            })
            .FirstAsync(ct));
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var html = await client.GetStringAsync("/invoices/" + invoice.Number, ct);

        Assert.Contains(invoice.Description, html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/payments/{invoice.Payment}\"", html, StringComparison.Ordinal);
        Assert.Contains("Bayside Construction LLC", html, StringComparison.Ordinal);
        Assert.Contains("badge-paid", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/invoices/{invoice.Number}/pdf\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/pay?invoice=", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pay_button_shows_for_an_open_invoice_when_the_user_may_pay()
    {
        var ct = TestContext.Current.CancellationToken;
        var open = await portal.WithDbAsync(db => db.Invoices
            .Where(i => i.Account!.Number == "10001" && i.OpenAmount > 0m && !i.IsVoid).Select(i => i.Number).FirstAsync(ct));
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var html = await client.GetStringAsync("/invoices/" + open, ct);

        Assert.Contains($"href=\"/pay?invoice={open}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_accounts_invoice_number_is_not_found_on_every_invoice_route()
    {
        var ct = TestContext.Current.CancellationToken;
        var foreign = await portal.WithDbAsync(db => db.Invoices.Where(i => i.Account!.Number == "30001").Select(i => i.Number).FirstAsync(ct));
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        foreach (var url in new[] { $"/invoices/{foreign}", $"/invoices/{foreign}/pdf", $"/invoices/{foreign}/attachments/1", "/invoices/NO-SUCH-INVOICE", "/invoices/" + new string('9', 300) })
        {
            var response = await client.GetAsync(url, ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("Northwind", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Attachment_downloads_only_through_its_own_invoice()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var other = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var (mine, theirs, attachmentId) = await portal.WithDbAsync(async db =>
        {
            var a = InvoiceTestData.NewInvoice(account, 1, new DateOnly(2024, 5, 1), 10m, 10m);
            var b = InvoiceTestData.NewInvoice(other, 1, new DateOnly(2024, 5, 1), 10m, 10m);
            db.Invoices.AddRange(a, b);
            await db.SaveChangesAsync(ct);
            var attachment = new InvoiceAttachment
            {
                InvoiceId = a.Id,
                FileName = "timesheet.csv",
                ContentType = "text/csv",
                Length = 9,
                CreatedAt = DateTime.UtcNow,
                Content = new InvoiceAttachmentContent { Bytes = Encoding.UTF8.GetBytes("day,hours") },
            };
            db.InvoiceAttachments.Add(attachment);
            await db.SaveChangesAsync(ct);
            return (a.Number, b.Number, attachment.Id);
        });
        var client = await portal.LoginAsync(account.Email);
        var otherClient = await portal.LoginAsync(other.Email);

        var detail = await client.GetStringAsync($"/invoices/{mine}", ct);
        var download = await client.GetAsync($"/invoices/{mine}/attachments/{attachmentId}", ct);
        var viaOtherInvoice = await otherClient.GetAsync($"/invoices/{theirs}/attachments/{attachmentId}", ct);
        var list = await client.GetStringAsync("/invoices", ct);

        Assert.Contains("timesheet.csv", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("day,hours", await download.Content.ReadAsStringAsync(ct));
        Assert.Equal(HttpStatusCode.NotFound, viaOtherInvoice.StatusCode);
        Assert.Contains("1 attachments", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_without_see_money_can_neither_see_nor_download_attachments()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View | Permissions.Pay);
        var (number, attachmentId) = await portal.WithDbAsync(async db =>
        {
            var invoice = InvoiceTestData.NewInvoice(account, 1, new DateOnly(2024, 5, 1), 10m, 10m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync(ct);
            var attachment = new InvoiceAttachment
            {
                InvoiceId = invoice.Id,
                FileName = "billing-copy.pdf",
                ContentType = "application/pdf",
                Length = 8,
                CreatedAt = DateTime.UtcNow,
                Content = new InvoiceAttachmentContent { Bytes = Encoding.UTF8.GetBytes("%PDF-1.4") },
            };
            db.InvoiceAttachments.Add(attachment);
            await db.SaveChangesAsync(ct);
            return (invoice.Number, attachment.Id);
        });
        var client = await portal.LoginAsync(account.Email);

        var html = await client.GetStringAsync("/invoices/" + number, ct);
        var download = await client.GetAsync($"/invoices/{number}/attachments/{attachmentId}", ct);
        var pdf = await client.GetAsync($"/invoices/{number}/pdf", ct);

        Assert.DoesNotContain("billing-copy.pdf", html, StringComparison.Ordinal);
        Assert.Equal(pdf.StatusCode, download.StatusCode);
        Assert.True((int)download.StatusCode is 403 or 404, $"{(int)download.StatusCode}");
        Assert.DoesNotContain("%PDF", await download.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_without_see_money_sees_lines_but_no_amounts_and_no_pay_button()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View | Permissions.Pay);
        var number = await portal.WithDbAsync(async db =>
        {
            var invoice = InvoiceTestData.NewInvoice(account, 1, new DateOnly(2024, 5, 1), 4321.09m, 4321.09m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync(ct);
            return invoice.Number;
        });
        var client = await portal.LoginAsync(account.Email);

        var html = await client.GetStringAsync("/invoices/" + number, ct);
        var pdf = await client.GetAsync($"/invoices/{number}/pdf", ct);

        Assert.Contains("Service " + number, html, StringComparison.Ordinal);
        Assert.DoesNotContain("4,321.09", html, StringComparison.Ordinal);
        Assert.DoesNotContain("$", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/pay?invoice=", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, pdf.StatusCode);
    }

    [Fact]
    public async Task A_child_account_billed_to_its_parent_gets_no_pay_button()
    {
        var ct = TestContext.Current.CancellationToken;
        var (childId, open) = await portal.WithDbAsync(async db =>
        {
            var child = await db.Accounts.SingleAsync(a => a.Number == "10002", ct);
            var number = await db.Invoices.Where(i => i.AccountId == child.Id && i.OpenAmount > 0m && !i.IsVoid).Select(i => i.Number).FirstAsync(ct);
            return (child.Id, number);
        });
        var client = await portal.LoginAsync(DemoData.CustomerEmail);
        var switched = await PortalFactory.PostFormAsync(client, "/accounts", new Dictionary<string, string> { ["accountId"] = childId.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        var html = await client.GetStringAsync("/invoices/" + open, ct);

        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Contains("billed to its parent account", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/pay?invoice=", html, StringComparison.Ordinal);
    }
}
