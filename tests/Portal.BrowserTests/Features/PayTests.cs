using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Portal.BrowserTests.Infrastructure;

namespace Portal.BrowserTests.Features;

/// <summary>
/// A payer manages the saved methods, then pays part of the oldest invoice with the test card, sees a
/// decline with a card added on the way, and passes the card issuer's extra confirmation step, on a
/// phone and a desktop.
/// </summary>
public sealed class PayTests(BrowserFixture portal)
{
    private static readonly string[] Blocking = ["serious", "critical"];

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Pay_with_the_test_card_then_a_decline_then_the_extra_confirmation_step(int width, int height)
    {
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page);

            await page.GotoAsync("/settings/payment-methods");
            Assert.True(await page.Locator("tr[data-method='4242']").First.IsVisibleAsync());
            Assert.True(await page.Locator("[data-test=autopay-state]").IsVisibleAsync());
            await AssertFitsAndAccessibleAsync(page, width);

            await page.GetByRole(AriaRole.Link, new() { Name = "Make a payment", Exact = true }).Last.ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/pay", BrowserFixture.Parsed);
            await AssertFitsAndAccessibleAsync(page, width);

            // The saved test card (4242 4242 4242 4242), the default.
            await PickOldestAsync(page, "1.00");
            await ReviewAndConfirmAsync(page, width);
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/pay/done/", StringComparison.Ordinal), BrowserFixture.Parsed);
            Assert.Equal("succeeded", await page.Locator("[data-test=outcome]").GetAttributeAsync("data-state"));
            Assert.True(await page.Locator("[data-test=receipt]").First.IsVisibleAsync());
            await AssertFitsAndAccessibleAsync(page, width);

            // A card added on the way (back to the same selection), declined.
            await PayWithNewCardAsync(page, width, "4000 0000 0000 0002");
            Assert.Equal("failed", await page.Locator("[data-test=outcome]").GetAttributeAsync("data-state"));
            Assert.True(await page.GetByRole(AriaRole.Alert).First.IsVisibleAsync());
            await AssertFitsAndAccessibleAsync(page, width);

            // A card whose issuer asks for an extra confirmation step, which the payer gives.
            await PayWithNewCardAsync(page, width, "4000 0025 0000 3155");
            Assert.Equal("requiresaction", await page.Locator("[data-test=outcome]").GetAttributeAsync("data-state"));
            await AssertFitsAndAccessibleAsync(page, width);
            await page.Locator("[data-test=authenticate]").ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/test-gateway/authenticate", StringComparison.Ordinal), BrowserFixture.Parsed);
            await page.Locator("[data-test=complete-authentication]").ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/pay/done/", StringComparison.Ordinal), BrowserFixture.Parsed);
            Assert.Equal("succeeded", await page.Locator("[data-test=outcome]").GetAttributeAsync("data-state"));
            await AssertFitsAndAccessibleAsync(page, width);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>Ticks the oldest invoice that can be paid and types the amount.</summary>
    private static async Task PickOldestAsync(IPage page, string amount)
    {
        var pick = page.Locator("input[name=Pick]:not([disabled])").First;
        var id = await pick.GetAttributeAsync("value");
        await pick.CheckAsync();
        await page.Locator("#amount-" + id).FillAsync(amount);
    }

    private static async Task ReviewAndConfirmAsync(IPage page, int width)
    {
        await page.Locator("button[data-test=review]").ClickAsync();
        await page.Locator("section[data-test=review]").WaitForAsync();
        await AssertFitsAndAccessibleAsync(page, width);
        await page.Locator("[data-test=confirm]").ClickAsync();
    }

    private static async Task PayWithNewCardAsync(IPage page, int width, string number)
    {
        await page.GotoAsync("/pay");
        await PickOldestAsync(page, "1.00");
        await page.Locator("[data-test=add-method]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/test-gateway/setup", BrowserFixture.Parsed);
        await page.Locator("#Number").FillAsync(number);
        await page.Locator("#Expiry").FillAsync("12/34");
        await page.Locator("#Cvc").FillAsync("123");
        await page.Locator("#Holder").FillAsync("Dana Whitfield");
        await page.Locator("[data-test=save-method]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/pay", BrowserFixture.Parsed);
        // Back with the invoice still ticked and the new card chosen.
        Assert.True(await page.Locator("input[name=Pick]:checked").CountAsync() == 1);
        var last4 = number[^4..];
        Assert.True(await page.Locator("input[name=MethodId]:checked").CountAsync() == 1);
        Assert.Contains(last4, await page.Locator("label:has(input[name=MethodId]:checked)").InnerTextAsync(), StringComparison.Ordinal);
        await ReviewAndConfirmAsync(page, width);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/pay/done/", StringComparison.Ordinal), BrowserFixture.Parsed);
    }

    private static async Task AssertFitsAndAccessibleAsync(IPage page, int width)
    {
        if (width <= 400)
        {
            var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            Assert.True(widths[0] <= widths[1], $"{page.Url} overflows horizontally at {width}px: {widths[0]} > {widths[1]}.");
        }

        var result = await page.RunAxe();
        var violations = result.Violations.Where(v => Blocking.Contains(v.Impact)).Select(v => $"{v.Id}: {v.Help} {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
        Assert.True(violations.Count == 0, page.Url + "\n" + string.Join("\n", violations));
    }
}
