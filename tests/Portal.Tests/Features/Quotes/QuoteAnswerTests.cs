using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Features.Orders;
using Portal.Features.Quotes;
using Portal.Infrastructure;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Features.Orders;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Quotes;

public sealed class QuoteAnswerTests(PortalFactory portal)
{
    private const Permissions Quoter = Permissions.View | Permissions.Quote | Permissions.SeeMoney;

    [Fact]
    public async Task Concurrent_accepts_accept_the_quote_once_with_one_event()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Quoter);
        var number = await NewQuoteAsync(portal, account, validDays: 10);
        var client = await portal.LoginAsync(account.Email);
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, "/quotes/" + number);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            client.PostAsync($"/quotes/{number}?handler=Accept", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), ct)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Redirect));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Redirect), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var loser = responses.First(r => r.StatusCode == HttpStatusCode.Conflict);
        Assert.Contains("This quote is already accepted.", WebUtility.HtmlDecode(await loser.Content.ReadAsStringAsync(ct)), StringComparison.Ordinal);
        var (status, events) = await portal.WithDbAsync(async db => (
            await db.Quotes.Where(q => q.Number == number).Select(q => q.Status).SingleAsync(ct),
            await db.IntegrationEvents.CountAsync(e => e.AccountId == account.Id && e.Type == "quote.accepted", ct)));
        Assert.Equal((QuoteStatus.Accepted, 1), (status, events));

        // Declining it afterwards is refused too.
        var decline = await PortalFactory.PostFormAsync(client, $"/quotes/{number}?handler=Decline", new Dictionary<string, string> { ["Reason"] = "Changed my mind" }, "/quotes/" + number);
        Assert.Equal(HttpStatusCode.Conflict, decline.StatusCode);
    }

    [Fact]
    public async Task Accepting_with_the_quote_pages_own_form_accepts_it_and_says_so()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Quoter);
        var number = await NewQuoteAsync(portal, account, validDays: 10);
        var client = await portal.LoginAsync(account.Email);

        var response = await PageForms.PostAsync(client, "/quotes/" + number, "Accept");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/quotes/" + number, response.Headers.Location!.OriginalString);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync(response.Headers.Location.OriginalString, ct));
        Assert.Contains("Thank you: the quote is accepted.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Accept quote", page, StringComparison.Ordinal);
        Assert.Equal(QuoteStatus.Accepted, await portal.WithDbAsync(db => db.Quotes.Where(q => q.Number == number).Select(q => q.Status).SingleAsync(ct)));
    }

    [Fact]
    public async Task Declining_with_the_quote_pages_own_form_declines_it_and_says_so()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Quoter);
        var number = await NewQuoteAsync(portal, account, validDays: 10);
        var client = await portal.LoginAsync(account.Email);

        var response = await PageForms.PostAsync(client, "/quotes/" + number, "Decline", new Dictionary<string, string> { ["Reason"] = "Found one nearer" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync(response.Headers.Location!.OriginalString, ct));
        Assert.Contains("The quote is declined. Thank you for telling us why.", page, StringComparison.Ordinal);
        Assert.Equal(QuoteStatus.Declined, await portal.WithDbAsync(db => db.Quotes.Where(q => q.Number == number).Select(q => q.Status).SingleAsync(ct)));
    }

    [Fact]
    public async Task Declining_needs_a_reason_and_sends_it_with_the_event()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Quoter);
        var number = await NewQuoteAsync(portal, account, validDays: 10);
        var client = await portal.LoginAsync(account.Email);

        var empty = await PortalFactory.PostFormAsync(client, $"/quotes/{number}?handler=Decline", new Dictionary<string, string> { ["Reason"] = "  " }, "/quotes/" + number);
        Assert.Equal(HttpStatusCode.Conflict, empty.StatusCode);
        Assert.Contains("Tell us why you decline the quote.", WebUtility.HtmlDecode(await empty.Content.ReadAsStringAsync(ct)), StringComparison.Ordinal);
        Assert.Equal(QuoteStatus.Sent, await portal.WithDbAsync(db => db.Quotes.Where(q => q.Number == number).Select(q => q.Status).SingleAsync(ct)));

        var declined = await PortalFactory.PostFormAsync(client, $"/quotes/{number}?handler=Decline", new Dictionary<string, string> { ["Reason"] = "Too expensive" }, "/quotes/" + number);
        Assert.Equal(HttpStatusCode.Redirect, declined.StatusCode);
        var (quote, payload) = await portal.WithDbAsync(async db => (
            await db.Quotes.AsNoTracking().SingleAsync(q => q.Number == number, ct),
            await db.IntegrationEvents.Where(e => e.AccountId == account.Id && e.Type == "quote.declined").Select(e => e.Payload).SingleAsync(ct)));
        Assert.Equal((QuoteStatus.Declined, "Too expensive"), (quote.Status, quote.DeclineReason));
        Assert.Contains("Too expensive", payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_quote_cannot_be_accepted_and_nothing_is_written()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Quoter);
        var number = await NewQuoteAsync(portal, account, validDays: -1);
        var client = await portal.LoginAsync(account.Email);

        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/quotes/" + number, ct));
        Assert.Contains("This quote has expired and can no longer be accepted.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Accept quote", page, StringComparison.Ordinal);

        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, "/quotes");
        var response = await client.PostAsync($"/quotes/{number}?handler=Accept", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), ct);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("This quote has expired and can no longer be accepted.", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ct)), StringComparison.Ordinal);
        Assert.Equal((QuoteStatus.Sent, 0), await portal.WithDbAsync(async db => (
            await db.Quotes.Where(q => q.Number == number).Select(q => q.Status).SingleAsync(ct),
            await db.IntegrationEvents.CountAsync(e => e.AccountId == account.Id, ct))));
    }

    [Fact]
    public async Task Another_accounts_quote_is_not_found_and_untouched()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = await InvoiceTestData.NewAccountAsync(portal, Quoter);
        var number = await NewQuoteAsync(portal, owner, validDays: 10);
        var stranger = await portal.LoginAsync((await InvoiceTestData.NewAccountAsync(portal, Quoter)).Email);

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync("/quotes/" + number, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/quotes/{number}/pdf", ct)).StatusCode);
        var token = await PortalFactory.GetAntiforgeryTokenAsync(stranger, "/quotes");
        var response = await stranger.PostAsync($"/quotes/{number}?handler=Accept", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(QuoteStatus.Sent, await portal.WithDbAsync(db => db.Quotes.Where(q => q.Number == number).Select(q => q.Status).SingleAsync(ct)));
    }

    /// <summary>
    /// The operator's calendar decides: in a zone ahead of UTC whose date is already tomorrow, a quote
    /// valid until UTC's today has expired; in a zone behind whose date is still yesterday, a quote valid
    /// until yesterday (UTC) is still valid. At any moment one of the two zones differs from UTC's date.
    /// </summary>
    [Fact]
    public async Task Expiry_follows_the_operators_time_zone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var own = new PortalFactory();
        await own.InitializeAsync();
        var utcToday = DateOnly.FromDateTime(DateTime.UtcNow);
        var ahead = OperatorClock.FindZone("Pacific/Kiritimati");
        var behind = OperatorClock.FindZone("Pacific/Pago_Pago");
        var aheadToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, ahead));
        var useAhead = aheadToday != utcToday;
        var zone = useAhead ? "Pacific/Kiritimati" : "Pacific/Pago_Pago";
        await own.WithDbAsync(async db =>
        {
            var settings = await db.OperatorSettings.SingleAsync(ct);
            settings.TimeZoneId = zone;
            await db.SaveChangesAsync(ct);
        });
        own.Services.GetRequiredService<OperatorSettingsCache>().Invalidate();
        var account = await InvoiceTestData.NewAccountAsync(own, Quoter);
        var validUntil = useAhead ? utcToday : utcToday.AddDays(-1);
        var number = await NewQuoteAsync(own, account, validUntil: validUntil);
        var client = await own.LoginAsync(account.Email);
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, "/quotes");

        var response = await client.PostAsync($"/quotes/{number}?handler=Accept", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), ct);

        var status = await own.WithDbAsync(db => db.Quotes.Where(q => q.Number == number).Select(q => q.Status).SingleAsync(ct));
        if (useAhead)
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal(QuoteStatus.Sent, status);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal(QuoteStatus.Accepted, status);
        }

        Assert.True(QuoteService.IsExpired(QuoteStatus.Sent, new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 2)));
        Assert.False(QuoteService.IsExpired(QuoteStatus.Sent, new DateOnly(2026, 5, 2), new DateOnly(2026, 5, 2)));
        Assert.False(QuoteService.IsExpired(QuoteStatus.Sent, null, new DateOnly(2026, 5, 2)));
    }

    [Fact]
    public async Task Requesting_a_quote_records_it_and_sends_the_event_bad_input_writes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Quoter);
        var product = await OrderTestData.NewProductAsync(portal, 15m);
        var withdrawn = await OrderTestData.NewProductAsync(portal, 15m, active: false, name: "Old saw");
        var client = await portal.LoginAsync(account.Email);

        foreach (var (fields, message) in new (Dictionary<string, string>, string)[]
        {
            (new() { ["Text"] = "" }, "Describe what you need, or name at least one product."),
            (new() { ["Lines[0].Code"] = "NOPE", ["Lines[0].Quantity"] = "1" }, "There is no product with code NOPE in the catalogue."),
            (new() { ["Lines[0].Code"] = withdrawn.Code, ["Lines[0].Quantity"] = "1" }, "Old saw is no longer offered."),
            (new() { ["Lines[0].Code"] = product.Code, ["Lines[0].Quantity"] = "0" }, "The quantity must be more than zero."),
            (new() { ["Lines[0].Code"] = product.Code, ["Lines[0].Quantity"] = "-3" }, "The quantity must be more than zero."),
            (new() { ["Lines[0].Code"] = product.Code, ["Lines[0].Quantity"] = "2.5" }, "This product is sold in whole units (each): enter a whole number."),
            (new() { ["Lines[0].Code"] = product.Code, ["Lines[0].Quantity"] = "1000000000" }, "The quantity can be at most 100,000."),
        })
        {
            var refused = await PortalFactory.PostFormAsync(client, "/quotes/new", fields);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(message, WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(ct)), StringComparison.Ordinal);
        }

        Assert.Equal(0, await portal.WithDbAsync(db => db.Quotes.CountAsync(q => q.AccountId == account.Id, ct)));

        var response = await PortalFactory.PostFormAsync(client, "/quotes/new", new Dictionary<string, string>
        {
            ["Text"] = "A light tower for two weeks",
            ["Lines[0].Code"] = product.Code,
            ["Lines[0].Quantity"] = "3",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var (quote, payload) = await portal.WithDbAsync(async db => (
            await db.Quotes.AsNoTracking().Include(q => q.Lines).SingleAsync(q => q.AccountId == account.Id, ct),
            await db.IntegrationEvents.Where(e => e.AccountId == account.Id && e.Type == "quote.requested").Select(e => e.Payload).SingleAsync(ct)));
        Assert.Equal((QuoteStatus.Requested, DocumentSource.Portal, "A light tower for two weeks"), (quote.Status, quote.Source, quote.RequestText));
        Assert.Equal((product.Code, 3m), (quote.Lines.Single().ProductCode, quote.Lines.Single().Quantity));
        Assert.Contains(quote.Number, payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_quote_pdf_is_a_pdf()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Quoter);
        var number = await NewQuoteAsync(portal, account, validDays: 10);
        var client = await portal.LoginAsync(account.Email);

        var response = await client.GetAsync($"/quotes/{number}/pdf", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(await response.Content.ReadAsByteArrayAsync(ct), 0, 4), StringComparison.Ordinal);
    }

    /// <summary>An issued quote on the account, valid until the operator's today plus <paramref name="validDays"/> (or the given date).</summary>
    private static async Task<string> NewQuoteAsync(PortalFactory portal, ArrangedAccount account, int validDays = 0, DateOnly? validUntil = null)
    {
        var today = await portal.Services.CreateScope().ServiceProvider.GetRequiredService<OperatorClock>().TodayAsync();
        var number = "QT-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        await portal.WithDbAsync(async db =>
        {
            var quote = new Quote
            {
                AccountId = account.Id,
                Number = number,
                ExternalId = "X-" + number,
                Status = QuoteStatus.Sent,
                Source = DocumentSource.BillingSystem,
                RequestedAt = DateTime.UtcNow.AddDays(-3),
                IssuedOn = today.AddDays(-2),
                ValidUntil = validUntil ?? today.AddDays(validDays),
                Currency = "USD",
                Total = 300m,
                UpdatedAt = DateTime.UtcNow,
            };
            quote.Lines.Add(new QuoteLine { LineNumber = 1, ProductCode = "ROLL-48", Description = "Roller", Quantity = 1, Unit = "week", UnitPrice = 300m, Amount = 300m });
            db.Quotes.Add(quote);
            await db.SaveChangesAsync();
        });
        return number;
    }
}
