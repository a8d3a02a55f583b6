using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Portal.BrowserTests.Infrastructure;

namespace Portal.BrowserTests.Features;

/// <summary>A clerk finds an invoice from the search box in the header, on a phone and a desktop.</summary>
public sealed class SearchBrowserTests(BrowserFixture portal)
{
    private static readonly string[] Blocking = ["serious", "critical"];

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task The_header_box_finds_an_invoice_by_number_and_bad_input_reads_clearly(int width, int height)
    {
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/invoices");
            var number = (await page.Locator("table a[href^='/invoices/']").First.TextContentAsync())!.Trim();

            var box = page.GetByRole(AriaRole.Searchbox, new() { Name = "Search documents" }).First;
            await box.FillAsync(number);
            await box.PressAsync("Enter");
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/search", BrowserFixture.Parsed);
            var result = page.Locator($"section[aria-labelledby='results-invoices'] a[href='/invoices/{number}']");
            await result.WaitForAsync(new() { Timeout = 10_000 });
            Assert.Equal(number, (await result.Locator("mark").TextContentAsync())?.Trim());
            await AssertAccessibleAsync(page);

            await result.ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == $"/invoices/{number}", BrowserFixture.Parsed);

            // 5,000 characters: past the box's limit and ours (200), within Kestrel's 8 KB request line
            // (beyond it Kestrel itself answers 414; the 10,000-character case is an integration test).
            await page.GotoAsync("/search?q=" + new string('9', 5_000));
            Assert.True(await page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "too long" }).IsVisibleAsync());
            await AssertAccessibleAsync(page);

            await page.GotoAsync("/search?q=%22NEAR(*%20-%20%3A");
            Assert.True(await page.Locator("main, #main").First.IsVisibleAsync());
            await AssertAccessibleAsync(page);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var violations = result.Violations.Where(v => Blocking.Contains(v.Impact)).Select(v => $"{v.Id}: {v.Help} {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }
}
