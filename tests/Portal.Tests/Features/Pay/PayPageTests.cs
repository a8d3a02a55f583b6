using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Payments;
using Portal.Tests.Features.Payments;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Pay;

public sealed class PayPageTests(PortalFactory portal)
{
    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private async Task<(PayAccount Account, long Card, HttpClient Client)> ArrangeAsync(params decimal[] totals)
    {
        var account = await PayTestData.AccountAsync(portal, totals);
        var card = await PayTestData.CardAsync(portal.Services, account, PayTestData.Succeeds, isDefault: true);
        return (account, card, await portal.LoginAsync(account.Account.Email));
    }

    private static Task<HttpResponseMessage> ReviewAsync(HttpClient client, long card, params (long Invoice, string Amount)[] picks)
    {
        var fields = new List<KeyValuePair<string, string>> { new("MethodId", Id(card)), new("Mode", "invoices") };
        foreach (var (invoice, amount) in picks)
        {
            fields.Add(new("Pick", Id(invoice)));
            fields.Add(new($"Amount[{Id(invoice)}]", amount));
        }

        return PostAsync(client, "/pay?handler=Review", fields);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, List<KeyValuePair<string, string>> fields)
    {
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, "/pay");
        fields.Add(new("__RequestVerificationToken", token));
        return await client.PostAsync(url, new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);
    }

    private Task<int> AttemptsAsync(PayAccount account) =>
        portal.WithDbAsync(db => db.PaymentAttempts.CountAsync(a => a.AccountId == account.Account.Id, TestContext.Current.CancellationToken));

    [Theory]
    [InlineData("0", "enter an amount greater than zero")]
    [InlineData("-5", "enter an amount greater than zero")]
    [InlineData("10.001", "USD amounts have at most 2 decimals")]
    [InlineData("100.01", "left to pay; pay at most that")]
    [InlineData("ten", "enter an amount, for example 250.00")]
    public async Task Bad_amounts_get_a_clear_message_and_no_attempt(string amount, string message)
    {
        var (account, card, client) = await ArrangeAsync(100m);

        var response = await ReviewAsync(client, card, (account.Invoices[0], amount));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)), StringComparison.Ordinal);
        Assert.Equal(0, await AttemptsAsync(account));
    }

    [Fact]
    public async Task An_amount_above_what_is_open_is_refused_not_kept_as_credit()
    {
        var (account, card, client) = await ArrangeAsync(100m, 20m);

        var response = await PostAsync(client, "/pay?handler=Review", [new("MethodId", Id(card)), new("Mode", "amount"), new("Total", "120.01")]);

        Assert.Contains("more than the", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(0, await AttemptsAsync(account));
    }

    [Fact]
    public async Task Another_accounts_invoice_is_refused_with_no_charge()
    {
        var (account, card, client) = await ArrangeAsync(100m);
        var foreign = await PayTestData.AccountAsync(portal, 50m);

        var response = await ReviewAsync(client, card, (foreign.Invoices[0], "50.00"));

        Assert.Contains("not this account", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)), StringComparison.Ordinal);
        Assert.Equal(0, await AttemptsAsync(account));
        Assert.Equal(50m, (await PayTestData.InvoiceAsync(portal, foreign.Invoices[0])).Open);
    }

    [Fact]
    public async Task Paying_oldest_first_then_confirming_twice_charges_once_and_shows_the_receipt()
    {
        var (account, card, client) = await ArrangeAsync(100m, 50m);

        var review = await PostAsync(client, "/pay?handler=Review", [new("MethodId", Id(card)), new("Mode", "amount"), new("Total", "120.00")]);
        var html = await review.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("data-test=\"review\"", html, StringComparison.Ordinal);
        var key = WebUtility.HtmlDecode(Hidden("ConfirmKey").Match(html).Groups[1].Value);
        var reviewed = WebUtility.HtmlDecode(Hidden("Reviewed").Match(html).Groups[1].Value);
        List<KeyValuePair<string, string>> Confirm() => [new("ConfirmKey", key), new("Reviewed", reviewed), new("MethodId", Id(card))];

        var first = await PostAsync(client, "/pay?handler=Confirm", Confirm());
        var second = await PostAsync(client, "/pay?handler=Confirm", Confirm());

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1, await AttemptsAsync(account));
        Assert.Equal(0m, (await PayTestData.InvoiceAsync(portal, account.Invoices[0])).Open);
        Assert.Equal(30m, (await PayTestData.InvoiceAsync(portal, account.Invoices[1])).Open);
        var done = await client.GetStringAsync(first.Headers.Location, TestContext.Current.CancellationToken);
        Assert.Contains("data-state=\"succeeded\"", done, StringComparison.Ordinal);
        var number = await portal.WithDbAsync(db => db.Payments.Where(p => p.AccountId == account.Account.Id && p.Source == PaymentSource.Portal).Select(p => p.Number).SingleAsync(TestContext.Current.CancellationToken));
        Assert.Contains($"/payments/{number}", done, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/payments/{number}", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task A_stale_review_page_is_refused_with_no_charge()
    {
        var (account, card, client) = await ArrangeAsync(100m);
        var review = await ReviewAsync(client, card, (account.Invoices[0], "60.00"));
        var html = await review.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        // Meanwhile someone else pays part of the invoice.
        await PayTestData.PayAsync(portal.Services, PayTestData.Plan(account, card, null, (account.Invoices[0], 10m)));

        var confirm = await PostAsync(client, "/pay?handler=Confirm",
            [new("ConfirmKey", WebUtility.HtmlDecode(Hidden("ConfirmKey").Match(html).Groups[1].Value)), new("Reviewed", WebUtility.HtmlDecode(Hidden("Reviewed").Match(html).Groups[1].Value)), new("MethodId", Id(card))]);

        Assert.Contains("changed since you reviewed", await confirm.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(1, await AttemptsAsync(account));
        Assert.Equal(90m, (await PayTestData.InvoiceAsync(portal, account.Invoices[0])).Open);
    }

    private static Regex Hidden(string name) => new($"name=\"{name}\" value=\"([^\"]*)\"");
}
