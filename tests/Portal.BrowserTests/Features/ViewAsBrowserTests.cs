using System.Globalization;
using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Portal.BrowserTests.Infrastructure;
using Portal.Data;

namespace Portal.BrowserTests.Features;

/// <summary>Support staff viewing a customer account from the console: bannered, read only, and back.</summary>
public sealed class ViewAsBrowserTests(BrowserFixture portal)
{
    private static readonly string[] Blocking = ["serious", "critical"];

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Staff_see_the_bannered_overview_read_only_and_end_back_in_the_console(int width, int height)
    {
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page, DemoData.SupportEmail);
            await page.GotoAsync("/admin/accounts/10001");
            await page.Locator("[data-test=view-as]").ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/", BrowserFixture.Parsed);

            var banner = page.Locator("[data-test=view-as-banner]");
            Assert.True(await banner.IsVisibleAsync());
            var box = await banner.BoundingBoxAsync();
            Assert.True(box!.Y < 1 && box.Width >= width - 1, $"The banner is at y={box.Y:0}, {box.Width:0} px wide.");
            Assert.Contains("as staff, read only", await banner.TextContentAsync() ?? "", StringComparison.Ordinal);
            Assert.True(await page.Locator("[data-figure=due]").IsVisibleAsync());
            await AssertNoSeriousViolationAsync(page);

            // The forms render, their buttons do not act (and the server would refuse them).
            await page.GotoAsync("/users");
            var buttons = page.Locator("main form[method=post] button[type=submit]");
            Assert.True(await buttons.CountAsync() > 0);
            Assert.True(await buttons.First.IsDisabledAsync());
            await AssertNoSeriousViolationAsync(page);

            await page.Locator("[data-test=view-as-end]").ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/admin/accounts/10001", BrowserFixture.Parsed);
            Assert.False(await page.Locator("[data-test=view-as-banner]").IsVisibleAsync());
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static async Task AssertNoSeriousViolationAsync(IPage page)
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

        Assert.True(violations.Count == 0, $"axe found on {page.Url}:\n{report}");
    }
}
