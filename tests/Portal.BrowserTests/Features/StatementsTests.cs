using System.Globalization;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Portal.BrowserTests.Infrastructure;

namespace Portal.BrowserTests.Features;

/// <summary>A clerk reads the statement, asks for the balance on a past date, and downloads the PDF, on a phone and a desktop.</summary>
public sealed class StatementsTests(BrowserFixture portal)
{
    private static readonly string[] Blocking = ["serious", "critical"];

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Statement_for_the_last_90_days_then_as_of_a_date_then_as_a_pdf(int width, int height)
    {
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/");
            await page.GetByRole(AriaRole.Link, new() { Name = "Statements", Exact = true }).First.ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/statements");
            Assert.True(await page.Locator("[data-test=opening]").IsVisibleAsync());
            Assert.True(await page.Locator("[data-bucket=over-90]").CountAsync() == 1);
            await AssertAccessibleAsync(page);

            var monthAgo = DateTime.Today.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await page.GetByLabel("Balance as of").FillAsync(monthAgo);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show balance" }).ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("asof=" + monthAgo, StringComparison.Ordinal));
            Assert.True(await page.Locator("[data-test=closing]").IsVisibleAsync());
            await AssertAccessibleAsync(page);

            var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-test=statement-pdf]").ClickAsync());
            Assert.EndsWith(".pdf", download.SuggestedFilename, StringComparison.Ordinal);

            await page.GetByLabel("From", new() { Exact = true }).FillAsync("2026-05-01");
            await page.GetByLabel("To", new() { Exact = true }).FillAsync("2026-01-01");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show statement" }).ClickAsync();
            await page.Locator("#from-error").WaitForAsync();
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
