using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Catalog;
using Portal.Features.Orders;
using Portal.Infrastructure;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Orders;

public sealed class OrderPadTests(PortalFactory portal)
{
    private const Permissions Orderer = Permissions.View | Permissions.Order | Permissions.SeeMoney;

    [Fact]
    public async Task Prices_are_the_customer_price_else_the_list_price_else_none()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Orderer);
        var customer = await OrderTestData.NewProductAsync(portal, 100m);
        var listed = await OrderTestData.NewProductAsync(portal, 55.5m);
        var foreign = await OrderTestData.NewProductAsync(portal, 70m, currency: "CAD");
        var lapsed = await OrderTestData.NewProductAsync(portal, 40m);
        await OrderTestData.SetCustomerPriceAsync(portal, account.Id, customer.Id, 88.25m);
        await OrderTestData.SetCustomerPriceAsync(portal, account.Id, lapsed.Id, 1m, to: new DateOnly(2020, 1, 1));

        var prices = await portal.WithDbAsync(async db =>
        {
            var today = await portal.Services.CreateScope().ServiceProvider.GetRequiredService<OperatorClock>().TodayAsync(ct);
            long[] ids = [customer.Id, listed.Id, foreign.Id, lapsed.Id];
            return await AccountPrices.Query(db, db.Products.Where(p => ids.Contains(p.Id)), account.Id, "USD", today).ToDictionaryAsync(p => p.Id, ct);
        });

        Assert.Equal((88.25m, PriceSource.Customer), (prices[customer.Id].UnitPrice!.Value, prices[customer.Id].Source));
        Assert.Equal((55.5m, PriceSource.List), (prices[listed.Id].UnitPrice!.Value, prices[listed.Id].Source));
        Assert.Equal((null, PriceSource.None), (prices[foreign.Id].UnitPrice, prices[foreign.Id].Source));
        Assert.Equal((40m, PriceSource.List), (prices[lapsed.Id].UnitPrice!.Value, prices[lapsed.Id].Source));

        // The pad shows the customer price; a member without "see money" sees no price at all.
        var client = await portal.LoginAsync(account.Email);
        var html = await client.GetStringAsync($"/orders/new?q={customer.Code}", ct);
        Assert.Contains("$88.25", html, StringComparison.Ordinal);
        var noMoney = await InvoiceTestData.NewAccountAsync(portal, Permissions.View | Permissions.Order);
        var plain = await (await portal.LoginAsync(noMoney.Email)).GetStringAsync($"/orders/new?q={listed.Code}", ct);
        Assert.Contains(listed.Code, plain, StringComparison.Ordinal);
        Assert.DoesNotContain("$55.50", plain, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cart_survives_a_reload_and_submitting_makes_the_order_with_server_prices_event_and_email()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Orderer);
        var product = await OrderTestData.NewProductAsync(portal, 12.5m);
        var fuel = await OrderTestData.NewProductAsync(portal, 4.389m, unit: "gal");
        await OrderTestData.SetCustomerPriceAsync(portal, account.Id, product.Id, 10m);
        var client = await portal.LoginAsync(account.Email);

        // A posted price is not a field the pad reads.
        var added = await OrderTestData.AddAsync(client, product.Code, "3", new Dictionary<string, string> { ["unitPrice"] = "0.01", ["price"] = "0.01" });
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await OrderTestData.AddAsync(client, fuel.Code, "10.5")).StatusCode);
        var change = await PortalFactory.PostFormAsync(client, "/orders/new?handler=Update", new Dictionary<string, string> { ["code"] = product.Code, ["quantity"] = "4" }, "/orders/new");
        Assert.Equal(HttpStatusCode.Redirect, change.StatusCode);

        // A new client (another browser) of the same user sees the same pad.
        var other = await portal.LoginAsync(account.Email);
        var pad = await other.GetStringAsync("/orders/new", ct);
        Assert.Contains(product.Code, pad, StringComparison.Ordinal);
        Assert.Contains("$40.00", pad, StringComparison.Ordinal);

        var (key, token) = await OrderTestData.ReviewFormAsync(client);
        var today = await portal.Services.CreateScope().ServiceProvider.GetRequiredService<OperatorClock>().TodayAsync(ct);
        var response = await OrderTestData.SubmitAsync(client, key, token, new Dictionary<string, string>
        {
            ["PurchaseOrder"] = "PO-77",
            ["RequestedDate"] = Formatting.Iso(today.AddDays(3)),
            ["Notes"] = "Gate 4",
            ["Total"] = "1.00",
            ["Lines[0].UnitPrice"] = "0.01",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var number = response.Headers.Location!.OriginalString.Split('/', '?')[2];
        var (order, events, mails, padLeft) = await portal.WithDbAsync(async db => (
            await db.Orders.AsNoTracking().Include(o => o.Lines).SingleAsync(o => o.Number == number, ct),
            await db.IntegrationEvents.AsNoTracking().Where(e => e.AccountId == account.Id && e.Type == "order.submitted").ToListAsync(ct),
            await db.EmailMessages.AsNoTracking().Where(m => m.AccountId == account.Id && m.Kind == "order-confirmation").ToListAsync(ct),
            await db.OrderPads.AnyAsync(p => p.AccountId == account.Id, ct)));
        Assert.Equal((OrderStatus.Submitted, DocumentSource.Portal, "PO-77", "Gate 4"), (order.Status, order.Source, order.PurchaseOrder, order.Notes));
        Assert.StartsWith("W-", order.Number, StringComparison.Ordinal);
        Assert.Equal(today.AddDays(3), order.RequestedDate);
        Assert.Equal("1 Test Street, Boston, MA 02110", order.DeliveryAddress);
        Assert.Equal(2, order.Lines.Count);
        Assert.Equal((4m, 10m, 40m), (order.Lines[0].Quantity, order.Lines[0].UnitPrice, order.Lines[0].Amount));
        Assert.Equal((10.5m, 4.389m, 46.08m), (order.Lines[1].Quantity, order.Lines[1].UnitPrice, order.Lines[1].Amount));
        Assert.Equal(86.08m, order.Total);
        var e = Assert.Single(events);
        Assert.Contains(number, e.Payload, StringComparison.Ordinal);
        Assert.Contains("\"total\":86.08", e.Payload, StringComparison.Ordinal);
        Assert.Equal(account.Email, Assert.Single(mails).To);
        Assert.False(padLeft);

        var page = await client.GetStringAsync("/orders/" + number, ct);
        Assert.Contains("Submitted", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Twenty_concurrent_submits_of_one_pad_make_one_order_and_one_event()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Orderer);
        var product = await OrderTestData.NewProductAsync(portal, 20m);
        var client = await portal.LoginAsync(account.Email);
        await OrderTestData.AddAsync(client, product.Code, "2");
        var (key, token) = await OrderTestData.ReviewFormAsync(client);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => OrderTestData.SubmitAsync(client, key, token)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        var locations = responses.Select(r => r.Headers.Location!.OriginalString.Split('?')[0]).Distinct().ToList();
        Assert.Single(locations);
        var (orders, events, mails, requests) = await portal.WithDbAsync(async db => (
            await db.Orders.CountAsync(o => o.AccountId == account.Id, ct),
            await db.IntegrationEvents.CountAsync(e => e.AccountId == account.Id && e.Type == "order.submitted", ct),
            await db.EmailMessages.CountAsync(m => m.AccountId == account.Id && m.Kind == "order-confirmation", ct),
            await db.CustomerRequests.CountAsync(r => r.AccountId == account.Id && r.Kind == Portal.Features.Requests.RequestKind.Order, ct)));
        Assert.Equal((1, 1, 1, 1), (orders, events, mails, requests));

        // A replay of the same form later lands on the same order, and still makes nothing new.
        var replay = await OrderTestData.SubmitAsync(client, key, token);
        Assert.Equal(locations[0], replay.Headers.Location!.OriginalString);
        Assert.Equal(1, await portal.WithDbAsync(db => db.Orders.CountAsync(o => o.AccountId == account.Id, ct)));
    }

    [Theory]
    [InlineData("0", "The quantity must be more than zero.")]
    [InlineData("-2", "The quantity must be more than zero.")]
    [InlineData("1.5", "This product is sold in whole units (each): enter a whole number.")]
    [InlineData("1000000000", "The quantity can be at most 100,000.")]
    [InlineData("lots", "The quantity must be a number.")]
    [InlineData("", "Enter a quantity.")]
    public async Task A_bad_quantity_is_refused_with_a_message_and_nothing_is_written(string quantity, string message)
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Orderer);
        var product = await OrderTestData.NewProductAsync(portal, 20m);
        var client = await portal.LoginAsync(account.Email);

        var response = await OrderTestData.AddAsync(client, product.Code, quantity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ct)), StringComparison.Ordinal);
        Assert.Equal(0, await portal.WithDbAsync(db => db.OrderPadLines.CountAsync(l => db.OrderPads.Any(p => p.Id == l.OrderPadId && p.AccountId == account.Id), ct)));
    }

    [Theory]
    [InlineData("0", "The quantity must be more than zero.")]
    [InlineData("-1", "The quantity must be more than zero.")]
    [InlineData("2.5", "This product is sold in whole units (each): enter a whole number.")]
    [InlineData("1000000000", "The quantity can be at most 100,000.")]
    public async Task Changing_a_line_to_a_bad_quantity_is_refused_and_the_line_keeps_its_quantity(string quantity, string message)
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Orderer);
        var product = await OrderTestData.NewProductAsync(portal, 20m);
        var client = await portal.LoginAsync(account.Email);
        await OrderTestData.AddAsync(client, product.Code, "2");

        var response = await PortalFactory.PostFormAsync(client, "/orders/new?handler=Update", new Dictionary<string, string> { ["code"] = product.Code, ["quantity"] = quantity }, "/orders/new");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ct)), StringComparison.Ordinal);
        Assert.Equal([2m], await portal.WithDbAsync(db => db.OrderPadLines.Where(l => db.OrderPads.Any(p => p.Id == l.OrderPadId && p.AccountId == account.Id)).Select(l => l.Quantity).ToListAsync(ct)));
    }

    [Fact]
    public async Task A_product_priced_only_for_another_account_is_refused_and_its_price_is_not_shown()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Orderer);
        var other = await InvoiceTestData.NewAccountAsync(portal, Orderer);
        // Listed in another currency only, with a USD price for the other account alone.
        var product = await OrderTestData.NewProductAsync(portal, 20m, currency: "CAD", name: "Other yard's crane");
        await OrderTestData.SetCustomerPriceAsync(portal, other.Id, product.Id, 77.77m);
        var client = await portal.LoginAsync(account.Email);

        var pad = WebUtility.HtmlDecode(await client.GetStringAsync("/orders/new?q=" + product.Code, ct));
        Assert.Contains(product.Code, pad, StringComparison.Ordinal);
        Assert.DoesNotContain("77.77", pad, StringComparison.Ordinal);

        var response = await OrderTestData.AddAsync(client, product.Code, "1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Other yard's crane has no price for your account: ask for a quote instead.", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ct)), StringComparison.Ordinal);
        Assert.False(await portal.WithDbAsync(db => db.OrderPadLines.AnyAsync(l => db.OrderPads.Any(p => p.Id == l.OrderPadId && p.AccountId == account.Id), ct)));
    }

    [Fact]
    public async Task Adding_with_the_pads_own_form_goes_back_to_the_cart_with_the_line_marked()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Orderer);
        var product = await OrderTestData.NewProductAsync(portal, 20m);
        var client = await portal.LoginAsync(account.Email);

        var added = await PageForms.PostAsync(client, "/orders/new?q=" + product.Code, "Add", new Dictionary<string, string> { ["code"] = product.Code, ["quantity"] = "3" });

        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var location = added.Headers.Location!.OriginalString;
        Assert.EndsWith("#cart", location, StringComparison.Ordinal);
        var pad = WebUtility.HtmlDecode(await client.GetStringAsync(location, ct));
        Assert.Contains("Added to your order.", pad, StringComparison.Ordinal);
        Assert.Contains($"class=\"cart-line cart-line-changed\" data-code=\"{product.Code}\"", pad, StringComparison.Ordinal);

        var changed = await PageForms.PostAsync(client, location, "Update", new Dictionary<string, string> { ["code"] = product.Code, ["quantity"] = "5" });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        var removed = await PageForms.PostAsync(client, "/orders/new", "Remove", new Dictionary<string, string> { ["code"] = product.Code });
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.False(await portal.WithDbAsync(db => db.OrderPadLines.AnyAsync(l => db.OrderPads.Any(p => p.Id == l.OrderPadId && p.AccountId == account.Id), ct)));
    }

    [Fact]
    public async Task Unknown_withdrawn_and_unpriced_products_are_refused_with_a_message()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Orderer);
        var withdrawn = await OrderTestData.NewProductAsync(portal, 20m, active: false, name: "Retired pump");
        var unpriced = await OrderTestData.NewProductAsync(portal, 20m, currency: "CAD", name: "Canadian crane");
        var client = await portal.LoginAsync(account.Email);

        foreach (var (code, message) in new[]
        {
            ("NO-SUCH-CODE", "There is no product with code NO-SUCH-CODE in the catalogue."),
            (withdrawn.Code, "Retired pump is no longer offered."),
            (unpriced.Code, "Canadian crane has no price for your account: ask for a quote instead."),
        })
        {
            var response = await OrderTestData.AddAsync(client, code, "1");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(message, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ct)), StringComparison.Ordinal);
        }

        Assert.False(await portal.WithDbAsync(db => db.OrderPadLines.AnyAsync(l => db.OrderPads.Any(p => p.Id == l.OrderPadId && p.AccountId == account.Id), ct)));
    }

    [Fact]
    public async Task A_product_withdrawn_after_it_was_added_is_flagged_on_review_and_blocks_the_submit()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Orderer);
        var product = await OrderTestData.NewProductAsync(portal, 20m);
        var client = await portal.LoginAsync(account.Email);
        await OrderTestData.AddAsync(client, product.Code, "2");
        var (key, token) = await OrderTestData.ReviewFormAsync(client);
        await portal.WithDbAsync(db => db.Products.Where(p => p.Id == product.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Active, false), ct));

        var review = await client.GetStringAsync("/orders/new/review", ct);
        Assert.Contains("No longer offered: remove it to submit", WebUtility.HtmlDecode(review), StringComparison.Ordinal);
        Assert.Contains(product.Code, review, StringComparison.Ordinal);

        var response = await OrderTestData.SubmitAsync(client, key, token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Some products can no longer be ordered.", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ct)), StringComparison.Ordinal);
        Assert.Equal((0, 0), await portal.WithDbAsync(async db => (
            await db.Orders.CountAsync(o => o.AccountId == account.Id, ct),
            await db.IntegrationEvents.CountAsync(e => e.AccountId == account.Id, ct))));
    }

    [Fact]
    public async Task A_requested_date_in_the_past_is_refused_and_nothing_is_written()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Orderer);
        var product = await OrderTestData.NewProductAsync(portal, 20m);
        var client = await portal.LoginAsync(account.Email);
        await OrderTestData.AddAsync(client, product.Code, "2");
        var (key, token) = await OrderTestData.ReviewFormAsync(client);

        var response = await OrderTestData.SubmitAsync(client, key, token, new Dictionary<string, string> { ["RequestedDate"] = "2020-01-01" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The requested date cannot be in the past.", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ct)), StringComparison.Ordinal);
        Assert.Equal((0, 0, 0, true), await portal.WithDbAsync(async db => (
            await db.Orders.CountAsync(o => o.AccountId == account.Id, ct),
            await db.IntegrationEvents.CountAsync(e => e.AccountId == account.Id, ct),
            await db.EmailMessages.CountAsync(m => m.AccountId == account.Id, ct),
            await db.OrderPads.AnyAsync(p => p.AccountId == account.Id, ct))));
    }

    [Fact]
    public async Task Reorder_fills_the_pad_with_what_can_still_be_ordered()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await portal.LoginAsync(DemoData.CustomerEmail);
        // The demo's oldest Bayside order names a retired generator.
        var number = await portal.WithDbAsync(db => db.Orders.Where(o => db.Accounts.Any(a => a.Id == o.AccountId && a.Number == "10001") && o.Lines.Any(l => l.ProductCode == "GEN-25KW-OLD")).Select(o => o.Number).FirstAsync(ct));
        // Through the order page's own form: its action keeps the number's case (lower-case URLs would lose it).
        var response = await PageForms.PostAsync(client, $"/orders/{number}", "Reorder");
        Assert.Equal("/orders/new", response.Headers.Location!.OriginalString);
        var pad = WebUtility.HtmlDecode(await client.GetStringAsync("/orders/new", ct));
        Assert.Contains("No longer available: GEN-25KW-OLD.", pad, StringComparison.Ordinal);
        Assert.Contains("data-code=\"FUEL-DSL\"", pad, StringComparison.Ordinal);
        // 120 gal at Bayside's own price (4.109), not the list price (4.389) the old order had.
        Assert.Contains("$493.08", pad, StringComparison.Ordinal);
    }
}
