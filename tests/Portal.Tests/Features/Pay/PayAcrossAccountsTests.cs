using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Payments;
using Portal.Tests.Features.Payments;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Pay;

/// <summary><c>/pay?scope=all</c>: one charge for the invoices of several accounts, one payment per account.</summary>
public sealed partial class PayAcrossAccountsTests(PortalFactory portal)
{
    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The payer's own account (with the card) and a second account the same user may pay for.</summary>
    private async Task<(PayAccount Main, PayAccount Other, long Card)> ArrangeAsync(string card, decimal[] main, decimal[] other, Permissions otherPermissions = Permissions.All, string otherCurrency = "USD")
    {
        var first = await PayTestData.AccountAsync(portal, main);
        var second = await PayTestData.AccountAsync(portal, other);
        await portal.WithDbAsync(async db =>
        {
            var userId = await db.Users.Where(u => u.Email == first.Account.Email).Select(u => u.Id).SingleAsync(Ct);
            db.Memberships.Add(new Membership { UserId = userId, AccountId = second.Account.Id, Permissions = otherPermissions, CreatedAt = DateTime.UtcNow });
            await db.Accounts.Where(a => a.Id == second.Account.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Currency, otherCurrency), Ct);
            await db.Invoices.Where(i => i.AccountId == second.Account.Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.Currency, otherCurrency), Ct);
            await db.SaveChangesAsync(Ct);
        });
        var cardId = await PayTestData.CardAsync(portal.Services, first, card, isDefault: true);
        return (first, second, cardId);
    }

    /// <summary>Logs in and makes the first account current (the user is a direct member of both).</summary>
    private static async Task<HttpClient> LoginAsync(WebApplicationFactory<Program> factory, PayAccount main)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var login = await PortalFactory.PostFormAsync(client, "/login", new Dictionary<string, string> { ["Input.Login"] = main.Account.Email, ["Input.Password"] = DemoData.Password });
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var switched = await PortalFactory.PostFormAsync(client, "/accounts", new Dictionary<string, string> { ["accountId"] = Id(main.Account.Id) });
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        return client;
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, List<KeyValuePair<string, string>> fields)
    {
        fields.Add(new("__RequestVerificationToken", await PortalFactory.GetAntiforgeryTokenAsync(client, "/pay?scope=all")));
        return await client.PostAsync(url, new FormUrlEncodedContent(fields), Ct);
    }

    private static Task<HttpResponseMessage> ReviewAsync(HttpClient client, long card, params (long Invoice, string Amount)[] picks)
    {
        var fields = new List<KeyValuePair<string, string>> { new("MethodId", Id(card)), new("Mode", "invoices"), new("Scope", "all") };
        foreach (var (invoice, amount) in picks)
        {
            fields.Add(new("Pick", Id(invoice)));
            fields.Add(new($"Amount[{Id(invoice)}]", amount));
        }

        return PostAsync(client, "/pay?handler=Review&scope=all", fields);
    }

    /// <summary>Reviews and returns the confirm form's fields (the key minted with the review page).</summary>
    private static async Task<List<KeyValuePair<string, string>>> ConfirmFieldsAsync(HttpClient client, long card, params (long Invoice, string Amount)[] picks)
    {
        var html = await (await ReviewAsync(client, card, picks)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("data-test=\"review\"", html, StringComparison.Ordinal);
        return
        [
            new("ConfirmKey", WebUtility.HtmlDecode(Hidden("ConfirmKey").Match(html).Groups[1].Value)),
            new("Reviewed", WebUtility.HtmlDecode(Hidden("Reviewed").Match(html).Groups[1].Value)),
            new("MethodId", Id(card)),
            new("Scope", "all"),
        ];
    }

    private static Regex Hidden(string name) => new($"name=\"{name}\" value=\"([^\"]*)\"", RegexOptions.None, TimeSpan.FromSeconds(1));

    [Fact]
    public async Task The_page_lists_every_payable_accounts_open_invoices_with_a_total_per_currency()
    {
        var (main, other, _) = await ArrangeAsync(PayTestData.Succeeds, [100m, 40m], [70m]);
        var viewOnly = await PayTestData.AccountAsync(portal, 55m);
        await portal.WithDbAsync(async db =>
        {
            var userId = await db.Users.Where(u => u.Email == main.Account.Email).Select(u => u.Id).SingleAsync(Ct);
            db.Memberships.Add(new Membership { UserId = userId, AccountId = viewOnly.Account.Id, Permissions = Permissions.View | Permissions.SeeMoney, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
        });
        var client = await LoginAsync(portal, main);

        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/pay?scope=all", Ct));

        Assert.Contains($"data-account=\"{Id(main.Account.Id)}\"", html, StringComparison.Ordinal);
        Assert.Contains($"data-account=\"{Id(other.Account.Id)}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-account=\"{Id(viewOnly.Account.Id)}\"", html, StringComparison.Ordinal);
        Assert.Matches("data-currency=\"USD\">\\$210\\.00<", html);
        // The overview and the picker: every account the user sees money for, the view-only one too.
        Assert.Matches("data-test=\"combined-balance\">[^<]*3 accounts[\\s\\S]*?\\$265\\.00", WebUtility.HtmlDecode(await client.GetStringAsync("/", Ct)));
        Assert.Matches("data-test=\"combined-balance\">[^<]*3 accounts[\\s\\S]*?\\$265\\.00", WebUtility.HtmlDecode(await client.GetStringAsync("/accounts", Ct)));
    }

    [Fact]
    public async Task Paying_two_accounts_makes_one_charge_and_one_payment_per_account_sharing_its_reference()
    {
        var counter = new CountingGateway();
        await using var counting = PayTestData.Counting(portal, counter);
        var (main, other, card) = await ArrangeAsync(PayTestData.Succeeds, [100m], [70m, 30m]);
        var client = await LoginAsync(counting, main);
        var fields = await ConfirmFieldsAsync(client, card, (main.Invoices[0], "100.00"), (other.Invoices[0], "70.00"), (other.Invoices[1], "10.00"));

        var first = await PostAsync(client, "/pay?handler=Confirm&scope=all", [.. fields]);
        var replay = await PostAsync(client, "/pay?handler=Confirm&scope=all", [.. fields]);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.Equal(1, counter.Charges);
        var payments = await portal.WithDbAsync(db => db.Payments.AsNoTracking().Include(p => p.Allocations)
            .Where(p => (p.AccountId == main.Account.Id || p.AccountId == other.Account.Id) && p.Source == PaymentSource.Portal)
            .OrderBy(p => p.Number).ToListAsync(Ct));
        Assert.Equal(2, payments.Count);
        Assert.All(payments, p => Assert.Equal(PaymentStatus.Succeeded, p.Status));
        Assert.Single(payments.Select(p => p.GatewayReference).Distinct());
        Assert.NotNull(payments[0].GatewayReference);
        Assert.Equal(100m, payments.Single(p => p.AccountId == main.Account.Id).Amount);
        Assert.Equal(80m, payments.Single(p => p.AccountId == other.Account.Id).Amount);
        Assert.Equal(0m, (await PayTestData.InvoiceAsync(portal, main.Invoices[0])).Open);
        Assert.Equal(0m, (await PayTestData.InvoiceAsync(portal, other.Invoices[0])).Open);
        Assert.Equal(new InvoiceFigures(30m, 20m, 0m, 10m), await PayTestData.InvoiceAsync(portal, other.Invoices[1]));
        var events = await portal.WithDbAsync(db => db.IntegrationEvents
            .CountAsync(e => (e.AccountId == main.Account.Id || e.AccountId == other.Account.Id) && e.Type == "payment.succeeded", Ct));
        Assert.Equal(2, events);
        var done = await client.GetStringAsync(first.Headers.Location, Ct);
        Assert.Contains("data-state=\"succeeded\"", done, StringComparison.Ordinal);
        Assert.All(payments, p => Assert.Contains(p.Number, done, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_decline_across_accounts_releases_every_accounts_reservations()
    {
        var (main, other, card) = await ArrangeAsync(PayTestData.Declined, [100m], [70m]);
        var client = await LoginAsync(portal, main);
        var fields = await ConfirmFieldsAsync(client, card, (main.Invoices[0], "100.00"), (other.Invoices[0], "50.00"));

        var confirm = await PostAsync(client, "/pay?handler=Confirm&scope=all", fields);

        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        Assert.Equal(new InvoiceFigures(100m, 100m, 0m, 0m), await PayTestData.InvoiceAsync(portal, main.Invoices[0]));
        Assert.Equal(new InvoiceFigures(70m, 70m, 0m, 0m), await PayTestData.InvoiceAsync(portal, other.Invoices[0]));
        var statuses = await portal.WithDbAsync(db => db.Payments.AsNoTracking()
            .Where(p => (p.AccountId == main.Account.Id || p.AccountId == other.Account.Id) && p.Source == PaymentSource.Portal)
            .Select(p => p.Status).ToListAsync(Ct));
        Assert.Equal(new[] { PaymentStatus.Failed, PaymentStatus.Failed }, statuses);
        Assert.Contains("data-state=\"failed\"", await client.GetStringAsync(confirm.Headers.Location, Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoices_in_two_currencies_are_refused_at_review_with_nothing_charged()
    {
        var (main, other, card) = await ArrangeAsync(PayTestData.Succeeds, [100m], [70m], otherCurrency: "EUR");
        var client = await LoginAsync(portal, main);

        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/pay?scope=all", Ct));
        var review = await ReviewAsync(client, card, (main.Invoices[0], "100.00"), (other.Invoices[0], "70.00"));

        // The combined total is one figure per currency, never a sum across them.
        Assert.Matches("data-currency=\"EUR\">€70\\.00<", html);
        Assert.Matches("data-currency=\"USD\">\\$100\\.00<", html);
        Assert.Contains("One payment is in one currency", WebUtility.HtmlDecode(await review.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
        Assert.Equal(0, await portal.WithDbAsync(db => db.PaymentAttempts.CountAsync(a => a.AccountId == main.Account.Id, Ct)));
    }

    [Fact]
    public async Task An_account_the_user_may_not_pay_for_is_refused_at_confirm_with_nothing_charged()
    {
        var (main, other, card) = await ArrangeAsync(PayTestData.Succeeds, [100m], [70m], otherPermissions: Permissions.View | Permissions.SeeMoney);
        var client = await LoginAsync(portal, main);
        var fields = await ConfirmFieldsAsync(client, card, (main.Invoices[0], "100.00"));
        // A forged review carrying the view-only account's invoice as well.
        var reviewed = fields.Single(f => f.Key == "Reviewed").Value;
        var version = await portal.WithDbAsync(db => db.Invoices.Where(i => i.Id == other.Invoices[0]).Select(i => i.Version).SingleAsync(Ct));
        fields[fields.FindIndex(f => f.Key == "Reviewed")] = new("Reviewed", reviewed + "," + Id(other.Invoices[0]) + ":70.00:" + version.ToString(CultureInfo.InvariantCulture));

        var confirm = await PostAsync(client, "/pay?handler=Confirm&scope=all", fields);

        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Contains("not this account", WebUtility.HtmlDecode(await confirm.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
        Assert.Equal(0, await portal.WithDbAsync(db => db.PaymentAttempts.CountAsync(a => a.AccountId == main.Account.Id, Ct)));
        Assert.Equal(new InvoiceFigures(70m, 70m, 0m, 0m), await PayTestData.InvoiceAsync(portal, other.Invoices[0]));
    }
}
