using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Payments;
using Portal.Tests.Features.Payments;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Admin.Payments;

/// <summary><c>/admin/payments</c>: the list with its filters, and one payment with its keys, allocations and attempt.</summary>
public sealed class AdminPaymentsTests(PortalFactory portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(PayAccount Account, Guid Succeeded, Guid Pending)> ArrangeAsync()
    {
        var account = await PayTestData.AccountAsync(portal, 100m, 50m);
        var good = await PayTestData.CardAsync(portal.Services, account, PayTestData.Succeeds);
        var slow = await PayTestData.CardAsync(portal.Services, account, PayTestData.TimeoutNothing);
        var (paid, _) = await PayTestData.PayAsync(portal.Services, PayTestData.Plan(account, good, null, (account.Invoices[0], 100m)));
        var (pending, state) = await PayTestData.PayAsync(portal.Services, PayTestData.Plan(account, slow, null, (account.Invoices[1], 20m)));
        Assert.Equal(AttemptState.Pending, state);
        return (account, ((AttemptStart.Created)paid).Attempt.Id, ((AttemptStart.Created)pending).Attempt.Id);
    }

    private Task<string> NumberAsync(Guid attempt) =>
        portal.WithDbAsync(db => db.Payments.Where(p => p.AttemptId == attempt).Select(p => p.Number).SingleAsync(Ct));

    [Fact]
    public async Task The_list_filters_by_state_and_account_and_shows_where_reconciliation_stands()
    {
        var (account, succeeded, pending) = await ArrangeAsync();
        var staff = await portal.LoginAsync(DemoData.StaffEmail);
        var paidNumber = await NumberAsync(succeeded);
        var pendingNumber = await NumberAsync(pending);

        var all = await staff.GetStringAsync($"/admin/payments?account={account.Account.Number}", Ct);
        var pendingOnly = await staff.GetStringAsync($"/admin/payments?account={account.Account.Number}&state=pending&gateway=Test", Ct);
        var billing = await staff.GetStringAsync($"/admin/payments?account={account.Account.Number}&gateway=billing", Ct);

        Assert.Contains($"data-payment=\"{paidNumber}\"", all, StringComparison.Ordinal);
        Assert.Contains($"data-payment=\"{pendingNumber}\"", all, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-payment=\"{paidNumber}\"", pendingOnly, StringComparison.Ordinal);
        Assert.Contains($"data-payment=\"{pendingNumber}\"", pendingOnly, StringComparison.Ordinal);
        Assert.Contains("data-test=\"reconciliation\"", pendingOnly, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-payment=\"{pendingNumber}\"", billing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Marked_for_review_is_a_filter_and_the_payment_page_says_so()
    {
        var (account, _, pending) = await ArrangeAsync();
        await portal.WithDbAsync(db => db.PaymentAttempts.Where(a => a.Id == pending).ExecuteUpdateAsync(u => u.SetProperty(a => a.NeedsReview, true), Ct));
        var staff = await portal.LoginAsync(DemoData.StaffEmail);
        var number = await NumberAsync(pending);

        var review = await staff.GetStringAsync($"/admin/payments?account={account.Account.Number}&state=review", Ct);
        var page = await staff.GetStringAsync($"/admin/payments/{number}", Ct);

        Assert.Contains($"data-payment=\"{number}\"", review, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(review, "data-payment=\"", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)));
        Assert.Contains("data-test=\"needs-review\"", page, StringComparison.Ordinal);
        Assert.Contains(pending.ToString("N"), page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payments_page_shows_its_allocations_gateway_reference_and_keys()
    {
        var (_, succeeded, _) = await ArrangeAsync();
        var staff = await portal.LoginAsync(DemoData.StaffEmail);
        var payment = await portal.WithDbAsync(db => db.Payments.AsNoTracking().Include(p => p.Allocations).SingleAsync(p => p.AttemptId == succeeded, Ct));

        var html = WebUtility.HtmlDecode(await staff.GetStringAsync($"/admin/payments/{payment.Number}", Ct));

        Assert.NotNull(payment.GatewayReference);
        Assert.Contains(payment.GatewayReference, html, StringComparison.Ordinal);
        Assert.Contains(payment.IdempotencyKey!, html, StringComparison.Ordinal);
        Assert.Contains(succeeded.ToString("N"), html, StringComparison.Ordinal);
        Assert.Contains("data-attempt-state=\"succeeded\"", html, StringComparison.Ordinal);
        Assert.Single(payment.Allocations);
        Assert.Contains("data-allocation=\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_numbers_bad_filters_and_customers_get_no_payments_console()
    {
        var (account, _, _) = await ArrangeAsync();
        var staff = await portal.LoginAsync(DemoData.StaffEmail);
        var customer = await portal.LoginAsync(account.Account.Email);

        var missing = await staff.GetAsync("/admin/payments/NO-SUCH-PAYMENT", Ct);
        var badState = await staff.GetAsync("/admin/payments?state=bogus&from=not-a-date&after=garbage", Ct);
        var asCustomer = await customer.GetAsync("/admin/payments", Ct);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, badState.StatusCode);
        Assert.Contains("Unknown state", WebUtility.HtmlDecode(await badState.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, asCustomer.StatusCode);
    }
}
