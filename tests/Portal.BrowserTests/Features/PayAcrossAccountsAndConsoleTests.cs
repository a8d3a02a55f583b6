using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Portal.BrowserTests.Infrastructure;
using Portal.Data;

namespace Portal.BrowserTests.Features;

/// <summary>
/// The demo payer pays invoices of two accounts in one charge from <c>/pay?scope=all</c>; staff then find
/// the payments in <c>/admin/payments</c> and open one; on a phone and a desktop, axe on every page.
/// </summary>
public sealed class PayAcrossAccountsAndConsoleTests(BrowserFixture portal)
{
    private static readonly string[] Blocking = ["serious", "critical"];

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Pay_two_accounts_in_one_charge_then_find_the_payments_in_the_console(int width, int height)
    {
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/");
            Assert.True(await page.Locator("[data-test=combined-balance]").IsVisibleAsync());
            await page.Locator("a[data-test=pay-all]").First.ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).Query.Contains("scope=all", StringComparison.Ordinal), BrowserFixture.Parsed);
            Assert.True(await page.Locator("[data-test=combined]").IsVisibleAsync());
            await AssertFitsAndAccessibleAsync(page, width);

            // The oldest payable invoice of the first two accounts listed, 1.00 each.
            var groups = page.Locator("form tbody[data-account]");
            Assert.True(await groups.CountAsync() >= 2, "The demo payer should see at least two accounts to pay.");
            for (var n = 0; n < 2; n++)
            {
                var pick = groups.Nth(n).Locator("input[name=Pick]:not([disabled])").First;
                var id = await pick.GetAttributeAsync("value");
                await pick.CheckAsync();
                await page.Locator("#amount-" + id).FillAsync("1.00");
            }

            await page.Locator("button[data-test=review]").ClickAsync();
            await page.Locator("section[data-test=review]").WaitForAsync();
            Assert.Equal(2, await page.Locator("section[data-test=review] td[data-subtotal]").CountAsync());
            await AssertFitsAndAccessibleAsync(page, width);
            await page.Locator("[data-test=confirm]").ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/pay/done/", StringComparison.Ordinal), BrowserFixture.Parsed);
            Assert.Equal("succeeded", await page.Locator("[data-test=outcome]").GetAttributeAsync("data-state"));
            Assert.Equal(2, await page.Locator("[data-test=receipt]").CountAsync());
            var number = (await page.Locator("[data-test=receipt]").First.InnerTextAsync()).Split('·')[0].Trim();
            await AssertFitsAndAccessibleAsync(page, width);
            await page.Context.CloseAsync();

            page = await portal.NewPageAsync(width, height);
            await BrowserFixture.LoginAsync(page, DemoData.StaffEmail);
            await page.GotoAsync("/admin/payments?state=succeeded&gateway=Test");
            Assert.True(await page.Locator($"tr[data-payment='{number}']").IsVisibleAsync());
            await AssertFitsAndAccessibleAsync(page, width);
            await page.Locator($"tr[data-payment='{number}'] a").First.ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/admin/payments/", StringComparison.Ordinal), BrowserFixture.Parsed);
            Assert.True(await page.Locator("[data-test=attempt]").IsVisibleAsync());
            Assert.Equal(1, await page.Locator("[data-test=siblings] li").CountAsync());
            await AssertFitsAndAccessibleAsync(page, width);
            await page.GotoAsync("/admin/payments?state=review");
            await AssertFitsAndAccessibleAsync(page, width);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
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
