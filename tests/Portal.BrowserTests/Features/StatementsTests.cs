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

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Statement_e_mails_are_set_to_weekly_and_back_to_monthly_under_my_account(int width, int height)
    {
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/settings");
            await page.GetByRole(AriaRole.Link, new() { Name = "Statement e-mails", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/settings/statements");
            // The demo customer has Bayside's statement e-mailed monthly, and the last one was sent.
            Assert.Equal(1, await page.Locator("[data-subscription=\"10001\"]").CountAsync());
            await AssertAccessibleAsync(page);

            await page.GetByLabel("Weekly", new() { Exact = true }).CheckAsync();
            await page.GetByLabel("Day of the week (weekly)").SelectOptionAsync(new SelectOptionValue { Label = "Friday" });
            await page.Locator("[data-test=save-schedule]").ClickAsync();
            await page.Locator("[data-subscription=\"10001\"]", new() { HasText = "weekly on Friday" }).WaitForAsync();
            Assert.Contains("weekly on Friday", await page.Locator("[data-test=current-schedule]").InnerTextAsync(), StringComparison.Ordinal);
            await AssertAccessibleAsync(page);

            await page.GetByLabel("Monthly", new() { Exact = true }).CheckAsync();
            await page.GetByLabel("Day of the month (monthly)").SelectOptionAsync("1");
            await page.Locator("[data-test=save-schedule]").ClickAsync();
            await page.Locator("[data-subscription=\"10001\"]", new() { HasText = "monthly on day 1" }).WaitForAsync();
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
