using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Accounts;
using Portal.Features.Disputes;
using Portal.Features.Requests;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Features.ServiceCalls;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Disputes;

public sealed class DisputeTests(PortalFactory portal)
{
    private const Permissions Viewer = Permissions.View | Permissions.SeeMoney;

    private static async Task<(ArrangedAccount Account, string Invoice)> ArrangeAsync(PortalFactory portal, decimal total, decimal open)
    {
        var account = await InvoiceTestData.NewAccountAsync(portal, Viewer);
        var invoice = InvoiceTestData.NewInvoice(account, 1, new DateOnly(2026, 10, 1), total, open);
        await portal.WithDbAsync(async db =>
        {
            db.Invoices.Add(invoice);
            if (open < total)
            {
                db.Payments.AddRange(InvoiceTestData.PaymentsFor([invoice]));
            }

            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        return (account, invoice.Number);
    }

    [Fact]
    public async Task A_dispute_marks_the_invoice_disputed_and_the_billing_system_resolves_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, invoice) = await ArrangeAsync(portal, 400m, 400m);
        var client = await portal.LoginAsync(account.Email);

        var sent = await ServiceCallPortalTests.PostAsync(client, $"/invoices/{invoice}/dispute", "", new() { ["Reason"] = "Billed twice", ["Details"] = "The delivery is twice.", ["Lines"] = "1", ["Amount"] = "145.00" }, ("Files", "receipt.png", ServiceCallPortalTests.Png));

        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var number = sent.Headers.Location!.OriginalString.Split('/')[^1];
        Assert.Contains("Disputed", await client.GetStringAsync("/invoices/" + invoice, ct), StringComparison.Ordinal);
        Assert.Contains("The delivery is twice.", await client.GetStringAsync("/disputes/" + number, ct), StringComparison.Ordinal);
        var again = await ServiceCallPortalTests.PostAsync(client, $"/invoices/{invoice}/dispute", "", new() { ["Reason"] = "Billed twice", ["Details"] = "Again", ["Amount"] = "1" });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains(number, await again.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

        var api = await IntegrationClient.CreateAsync(portal);
        var resolved = await api.PutAsJsonAsync($"/api/v1/disputes/{number}", new { resolution = "credited", note = "Credit memo CM-9 issued." }, ct);
        var bad = await api.PutAsJsonAsync($"/api/v1/disputes/{number}", new { resolution = "rejected" }, ct);

        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, bad.StatusCode);
        await portal.WithDbAsync(async db =>
        {
            var dispute = await db.InvoiceDisputes.AsNoTracking().SingleAsync(d => d.Number == number, ct);
            Assert.Equal((DisputeStatus.Resolved, DisputeResolution.Credited, 145.00m, "1"), (dispute.Status, dispute.Resolution, dispute.Amount, dispute.LineNumbers));
            var entry = await db.CustomerRequests.AsNoTracking().SingleAsync(r => r.Kind == RequestKind.Dispute && r.SubjectId == dispute.Id, ct);
            Assert.Equal(("credited", false), (entry.Status, entry.IsOpen));
            Assert.True(await db.RequestAttachments.AnyAsync(a => a.RequestId == entry.Id && a.ContentType == "image/png", ct));
            var types = await db.IntegrationEvents.AsNoTracking().Where(e => e.AccountId == account.Id).OrderBy(e => e.Id).Select(e => e.Type).ToListAsync(ct);
            Assert.Equal(["invoice.disputed", "dispute.resolved"], types);
            Assert.True(await db.EmailMessages.AnyAsync(m => m.To == account.Email && m.Kind == "request-message" && m.TextBody.Contains("CM-9"), ct));
        });
        Assert.DoesNotContain(">Disputed<", await client.GetStringAsync("/invoices/" + invoice, ct), StringComparison.Ordinal);
        Assert.Contains("Credit memo CM-9 issued.", await client.GetStringAsync("/disputes/" + number, ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Too much", "10", "Reason")]
    [InlineData("Billed twice", "", "10", "Details")]
    [InlineData("Billed twice", "Too much", "400.01", "Amount")]
    [InlineData("Billed twice", "Too much", "10.001", "Amount")]
    [InlineData("Billed twice", "Too much", "-5", "Amount")]
    [InlineData("Not a reason", "Too much", "10", "Reason")]
    public async Task Bad_input_is_a_form_error_and_nothing_is_written(string reason, string details, string amount, string field)
    {
        var (account, invoice) = await ArrangeAsync(portal, 400m, 400m);
        var client = await portal.LoginAsync(account.Email);

        var response = await ServiceCallPortalTests.PostAsync(client, $"/invoices/{invoice}/dispute", "", new() { ["Reason"] = reason, ["Details"] = details, ["Amount"] = amount });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("notice-error", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.NotEmpty(field);
        await AssertNothingWrittenAsync(account.Id);
    }

    [Fact]
    public async Task A_paid_invoice_cannot_be_disputed_unless_the_operator_allows_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, invoice) = await ArrangeAsync(portal, 250m, 0m);
        var client = await portal.LoginAsync(account.Email);

        Assert.Contains("paid invoices cannot be disputed", await client.GetStringAsync($"/invoices/{invoice}/dispute", ct), StringComparison.Ordinal);
        var response = await ServiceCallPortalTests.PostAsync(client, $"/invoices/{invoice}/dispute", "", new() { ["Reason"] = "Billed twice", ["Details"] = "Twice", ["Amount"] = "10" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("paid invoices cannot be disputed", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        await AssertNothingWrittenAsync(account.Id);
    }

    private async Task AssertNothingWrittenAsync(long accountId) => await portal.WithDbAsync(async db =>
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.False(await db.InvoiceDisputes.AnyAsync(d => d.AccountId == accountId, ct));
        Assert.False(await db.CustomerRequests.AnyAsync(r => r.AccountId == accountId, ct));
        Assert.False(await db.IntegrationEvents.AnyAsync(e => e.AccountId == accountId && e.Type == "invoice.disputed", ct));
    });
}
