using System.Globalization;
using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.BrowserTests.Infrastructure;
using Portal.Features.Orders;
using Portal.Features.Quotes;

namespace Portal.BrowserTests.Features;

/// <summary>The order pad (add, change a quantity, remove, review, submit) and accepting a quote, in a real browser on a phone and a desktop, with axe on every step.</summary>
public sealed class OrdersAndQuotesBrowserTests(BrowserFixture portal)
{
    private static readonly string[] Blocking = ["serious", "critical"];

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Customer_fills_the_order_pad_changes_and_removes_a_line_and_submits(int width, int height)
    {
        // Start from an empty pad (the two viewports share the demo user).
        await portal.WithDbAsync(db => db.OrderPads.Where(p => p.UserId == db.Users.Where(u => u.Email == Portal.Data.DemoData.CustomerEmail).Select(u => u.Id).First()).ExecuteDeleteAsync());
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/orders/new?q=PLATE-C");
            await AssertAccessibleAsync(page, "/orders/new");
            var plate = page.Locator("tr[data-code='PLATE-C']");
            await plate.Locator("input[name=quantity]").FillAsync("2");
            await plate.GetByRole(AriaRole.Button).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/orders/new", BrowserFixture.Parsed);
            var line = page.Locator("#cart li[data-code='PLATE-C']");
            await Assertions.Expect(line).ToBeVisibleAsync();
            // The customer sees what was added without scrolling for it, on a phone too.
            await Assertions.Expect(line).ToBeInViewportAsync();
            await Assertions.Expect(page.Locator("#cart .notice-success")).ToContainTextAsync("Added to your order.");

            // Change the quantity: Bayside's price of 66.00 a day, three days.
            await line.Locator("input[name=quantity]").FillAsync("3");
            await line.GetByRole(AriaRole.Button, new() { Name = "Change" }).ClickAsync();
            await Assertions.Expect(page.Locator("#cart li[data-code='PLATE-C'] .cart-line-amount")).ToHaveTextAsync("$198.00");

            // Add a second product, then remove it.
            await page.GotoAsync("/orders/new?q=CONE-28");
            await page.Locator("tr[data-code='CONE-28']").GetByRole(AriaRole.Button).ClickAsync();
            await Assertions.Expect(page.Locator("#cart li[data-code='CONE-28']")).ToBeVisibleAsync();
            await page.Locator("#cart li[data-code='CONE-28']").GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Remove") }).ClickAsync();
            await Assertions.Expect(page.Locator("#cart li[data-code='CONE-28']")).ToHaveCountAsync(0);
            await AssertAccessibleAsync(page, "/orders/new with a cart");

            // The cart survives a reload.
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("#cart li[data-code='PLATE-C']")).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Link, new() { Name = "Review order" }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/orders/new/review", BrowserFixture.Parsed);
            await AssertAccessibleAsync(page, "/orders/new/review");
            await page.Locator("#PurchaseOrder").FillAsync("PO-BROWSER-" + width.ToString(CultureInfo.InvariantCulture));
            await page.GetByRole(AriaRole.Button, new() { Name = "Submit order" }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/orders/W-", StringComparison.Ordinal), BrowserFixture.Parsed);
            await Assertions.Expect(page.Locator(".notice-success")).ToContainTextAsync("is submitted");
            await AssertAccessibleAsync(page, "the placed order");

            var number = new Uri(page.Url).AbsolutePath["/orders/".Length..];
            var order = await portal.WithDbAsync(db => db.Orders.AsNoTracking().Include(o => o.Lines).SingleAsync(o => o.Number == number));
            Assert.Equal((OrderStatus.Submitted, 198.00m), (order.Status, order.Total));
            Assert.Equal("PLATE-C", Assert.Single(order.Lines).ProductCode);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Customer_accepts_an_issued_quote(int width, int height)
    {
        var number = "QT-B" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await portal.WithDbAsync(async db =>
        {
            var accountId = await db.Accounts.Where(a => a.Number == "10001").Select(a => a.Id).SingleAsync();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var quote = new Quote
            {
                AccountId = accountId,
                Number = number,
                ExternalId = "X-" + number,
                Status = QuoteStatus.Sent,
                Source = DocumentSource.BillingSystem,
                RequestedAt = DateTime.UtcNow.AddDays(-2),
                IssuedOn = today.AddDays(-1),
                ValidUntil = today.AddDays(20),
                Currency = "USD",
                Total = 960m,
                UpdatedAt = DateTime.UtcNow,
            };
            quote.Lines.Add(new QuoteLine { LineNumber = 1, ProductCode = "ROLL-48", Description = "48 in double-drum roller (weekly)", Quantity = 1, Unit = "week", UnitPrice = 960m, Amount = 960m });
            db.Quotes.Add(quote);
            await db.SaveChangesAsync();
            return 0;
        });
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/quotes");
            await AssertAccessibleAsync(page, "/quotes");
            await page.Locator($"a[href='/quotes/{number}']").ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/quotes/" + number, BrowserFixture.Parsed);
            await AssertAccessibleAsync(page, "a quote awaiting an answer");
            await page.GetByRole(AriaRole.Button, new() { Name = "Accept quote" }).ClickAsync();
            await Assertions.Expect(page.Locator(".notice-success")).ToContainTextAsync("the quote is accepted");
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Accept quote" })).ToHaveCountAsync(0);
            await AssertAccessibleAsync(page, "an accepted quote");
            Assert.Equal(QuoteStatus.Accepted, await portal.WithDbAsync(db => db.Quotes.Where(q => q.Number == number).Select(q => q.Status).SingleAsync()));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Order_delivery_and_quote_pages_fit_the_screen_and_pass_axe(int width, int height)
    {
        var (order, quote) = await portal.WithDbAsync(async db =>
        {
            var accountId = await db.Accounts.Where(a => a.Number == "10001").Select(a => a.Id).SingleAsync();
            // The demo order with the most lines and the demo quote with the most lines: the widest of each page.
            var orderNumber = await db.Orders.Where(o => o.AccountId == accountId).OrderByDescending(o => o.Lines.Count).ThenBy(o => o.Id).Select(o => o.Number).FirstAsync();
            var quoteNumber = await db.Quotes.Where(q => q.AccountId == accountId).OrderByDescending(q => q.Lines.Count).ThenBy(q => q.Id).Select(q => q.Number).FirstAsync();
            return (orderNumber, quoteNumber);
        });
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            foreach (var path in new[] { "/orders", "/orders/" + order, "/deliveries", "/quotes", "/quotes/" + quote })
            {
                var response = await page.GotoAsync(path);
                Assert.Equal(200, response!.Status);
                await Assertions.Expect(page.Locator("h1")).ToBeVisibleAsync();
                await AssertAccessibleAsync(page, path);
            }
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var violations = result.Violations.Where(v => Blocking.Contains(v.Impact)).ToList();
        var report = new StringBuilder();
        foreach (var violation in violations)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"{violation.Impact} {violation.Id}: {violation.Help}");
            foreach (var node in violation.Nodes.Take(5))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"    {node.Target}: {node.Html}");
            }
        }

        Assert.True(violations.Count == 0, $"axe found on {what}:\n{report}");
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.True(widths[0] <= widths[1], $"{what} is {widths[0]} px wide on a {widths[1]} px screen.");
    }
}
