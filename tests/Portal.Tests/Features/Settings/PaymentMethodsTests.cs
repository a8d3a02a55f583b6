using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Autopay;
using Portal.Infrastructure.Payments;
using Portal.Infrastructure.Payments.TestGateway;
using Portal.Tests.Features.Payments;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Settings;

public sealed class PaymentMethodsTests(PortalFactory portal)
{
    private const string Url = "/settings/payment-methods";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private async Task<(PayAccount Account, HttpClient Client)> ArrangeAsync()
    {
        var account = await PayTestData.AccountAsync(portal, 100m);
        return (account, await portal.LoginAsync(account.Account.Email));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string handler, params (string Name, string Value)[] fields) =>
        PortalFactory.PostFormAsync(client, Url + "?handler=" + handler, fields.ToDictionary(f => f.Name, f => f.Value), Url);

    private Task<List<string>> EventsAsync(PayAccount account) =>
        portal.WithDbAsync(db => db.IntegrationEvents.Where(e => e.AccountId == account.Account.Id).OrderBy(e => e.Id).Select(e => e.Type).ToListAsync(Ct));

    private Task<AutopayEnrollment?> EnrollmentAsync(PayAccount account) =>
        portal.WithDbAsync(db => db.AutopayEnrollments.AsNoTracking().SingleOrDefaultAsync(e => e.AccountId == account.Account.Id, Ct));

    [Fact]
    public async Task The_list_shows_brand_last_four_expiry_holder_default_and_marks_expired_cards()
    {
        var (account, client) = await ArrangeAsync();
        await PayTestData.CardAsync(portal.Services, account, PayTestData.Succeeds, isDefault: true);
        var old = await PayTestData.CardAsync(portal.Services, account, PayTestData.Declined);
        await portal.WithDbAsync(db => db.SavedPaymentMethods.Where(m => m.Id == old).ExecuteUpdateAsync(u => u.SetProperty(m => m.ExpiryYear, 2020).SetProperty(m => m.Holder, "Old Holder"), Ct));

        var html = WebUtility.HtmlDecode(await client.GetStringAsync(Url, Ct));

        Assert.Contains("Visa ending 4242", html, StringComparison.Ordinal);
        Assert.Contains("12/2034", html, StringComparison.Ordinal);
        Assert.Contains("Default", html, StringComparison.Ordinal);
        Assert.Contains("12/2020", html, StringComparison.Ordinal);
        Assert.Contains("Old Holder", html, StringComparison.Ordinal);
        Assert.Contains("Expired", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adding_goes_through_the_gateway_page_and_comes_back_to_the_list_with_the_method_saved_once()
    {
        var (account, client) = await ArrangeAsync();

        var start = await PostAsync(client, "Add");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.StartsWith("/test-gateway/setup", start.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Contains(Uri.EscapeDataString(Url), start.Headers.Location.OriginalString, StringComparison.Ordinal);

        // What the gateway's page does with the card entered, then its redirect back.
        var setup = await portal.Services.GetRequiredService<TestPaymentGateway>()
            .SaveAsync(account.Account.Number, GatewayMethodKind.Card, "Visa", "4242", 11, 2033, "Ada Payer", TestBehaviour.Succeeds, Ct);
        var back = await client.GetAsync(Url + "?setup=" + Uri.EscapeDataString(setup), Ct);
        var again = await client.GetAsync(Url + "?setup=" + Uri.EscapeDataString(setup), Ct);

        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        var saved = Assert.Single(await portal.WithDbAsync(db => db.SavedPaymentMethods.Where(m => m.AccountId == account.Account.Id).ToListAsync(Ct)));
        Assert.Equal(("4242", 11, 2033, "Ada Payer", true), (saved.Last4, saved.ExpiryMonth, saved.ExpiryYear, saved.Holder, saved.IsDefault));
        Assert.Equal(["payment_method.added"], await EventsAsync(account));
        Assert.Contains("Ada Payer", await client.GetStringAsync(Url, Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setting_the_default_moves_it_and_an_expired_card_cannot_be_the_default()
    {
        var (account, client) = await ArrangeAsync();
        var first = await PayTestData.CardAsync(portal.Services, account, PayTestData.Succeeds, isDefault: true);
        var second = await PayTestData.CardAsync(portal.Services, account, PayTestData.Declined);
        var expired = await PayTestData.CardAsync(portal.Services, account, PayTestData.InsufficientFunds);
        await portal.WithDbAsync(db => db.SavedPaymentMethods.Where(m => m.Id == expired).ExecuteUpdateAsync(u => u.SetProperty(m => m.ExpiryYear, 2020), Ct));

        var moved = await PostAsync(client, "SetDefault", ("methodId", Id(second)));
        var refused = await PostAsync(client, "SetDefault", ("methodId", Id(expired)));

        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("has expired; it cannot be the default", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
        var defaults = await portal.WithDbAsync(db => db.SavedPaymentMethods.Where(m => m.AccountId == account.Account.Id && m.IsDefault).Select(m => m.Id).ToListAsync(Ct));
        Assert.Equal([second], defaults);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Autopay_needs_a_default_method_and_is_switched_with_its_events()
    {
        var (account, client) = await ArrangeAsync();

        var refused = await PostAsync(client, "Autopay", ("on", "true"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Autopay needs a default payment method", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
        Assert.Null(await EnrollmentAsync(account));

        await PayTestData.CardAsync(portal.Services, account, PayTestData.Succeeds, isDefault: true);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, "Autopay", ("on", "true"))).StatusCode);
        Assert.Equal(AutopayState.On, (await EnrollmentAsync(account))!.State);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, "Autopay", ("on", "false"))).StatusCode);
        Assert.Equal(AutopayState.Off, (await EnrollmentAsync(account))!.State);
        Assert.Equal(["autopay.enabled", "autopay.disabled"], await EventsAsync(account));
    }

    [Fact]
    public async Task Removing_the_method_autopay_relies_on_asks_first_then_pauses_autopay_and_promotes_nothing()
    {
        var (account, client) = await ArrangeAsync();
        var card = await PayTestData.CardAsync(portal.Services, account, PayTestData.Succeeds, isDefault: true);
        var other = await PayTestData.CardAsync(portal.Services, account, PayTestData.Declined);
        await PostAsync(client, "Autopay", ("on", "true"));

        var asked = await PostAsync(client, "Delete", ("methodId", Id(card)));
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Contains("data-test=\"confirm-removal\"", await asked.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(2, await portal.WithDbAsync(db => db.SavedPaymentMethods.CountAsync(m => m.AccountId == account.Account.Id, Ct)));

        var removed = await PostAsync(client, "Delete", ("methodId", Id(card)), ("confirmed", "true"));
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync(Url, Ct));
        Assert.Contains("Autopay is paused", page, StringComparison.Ordinal);

        var left = await portal.WithDbAsync(db => db.SavedPaymentMethods.AsNoTracking().Where(m => m.AccountId == account.Account.Id).ToListAsync(Ct));
        Assert.Equal(other, Assert.Single(left).Id);
        Assert.False(left[0].IsDefault);
        var enrollment = await EnrollmentAsync(account);
        Assert.Equal(AutopayState.Paused, enrollment!.State);
        Assert.Equal(["autopay.enabled", "autopay.paused", "payment_method.removed"], await EventsAsync(account));
    }

    [Fact]
    public async Task Removing_another_method_asks_nothing_and_leaves_autopay_on()
    {
        var (account, client) = await ArrangeAsync();
        await PayTestData.CardAsync(portal.Services, account, PayTestData.Succeeds, isDefault: true);
        var other = await PayTestData.CardAsync(portal.Services, account, PayTestData.Declined);
        await PostAsync(client, "Autopay", ("on", "true"));

        var removed = await PostAsync(client, "Delete", ("methodId", Id(other)));

        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal(AutopayState.On, (await EnrollmentAsync(account))!.State);
        Assert.Equal(["autopay.enabled", "payment_method.removed"], await EventsAsync(account));
    }
}
