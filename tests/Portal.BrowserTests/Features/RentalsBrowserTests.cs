using System.Globalization;
using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.BrowserTests.Infrastructure;
using Portal.Features.CallOffs;

namespace Portal.BrowserTests.Features;

/// <summary>Contracts with their summaries, and calling items off rent (choose, quantities, review, send), on a phone and a desktop, with axe on every step.</summary>
public sealed class RentalsBrowserTests(BrowserFixture portal)
{
    private static readonly string[] Blocking = ["serious", "critical"];

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Customer_calls_items_off_rent_from_the_items_on_rent(int width, int height)
    {
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/contracts");
            await AssertAccessibleAsync(page, "/contracts");
            // The summary of a contract shows on keyboard focus of its number, without script.
            var link = page.GetByRole(AriaRole.Link, new() { Name = "RC-24017" });
            await link.FocusAsync();
            await Assertions.Expect(page.Locator(".has-tip:focus-within .tip")).ToBeVisibleAsync();
            await Assertions.Expect(link).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("Harbor Tunnel"));

            await page.GotoAsync("/items-out?contract=RC-24017");
            await AssertAccessibleAsync(page, "/items-out");
            await Assertions.Expect(page.Locator("tr.row-overdue")).ToHaveCountAsync(1);
            await page.GetByLabel("Call off CONE-28", new() { Exact = false }).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Call off selected items" }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/calloffs/new", BrowserFixture.Parsed);
            await AssertAccessibleAsync(page, "/calloffs/new");

            await page.Locator("#qty-0").FillAsync("2");
            await page.Locator("#ContactName").FillAsync("Priya Natarajan");
            await page.Locator("#ContactPhone").FillAsync("+1 617 555 0188");
            await page.Locator("#Notes").FillAsync("Cones are stacked at gate 4 (" + width.ToString(CultureInfo.InvariantCulture) + ")");
            await page.GetByRole(AriaRole.Button, new() { Name = "Review" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Review the call-off" })).ToBeVisibleAsync();
            await AssertAccessibleAsync(page, "the call-off review");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send the call-off" }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/calloffs/CO-", StringComparison.Ordinal), BrowserFixture.Parsed);
            await Assertions.Expect(page.Locator(".notice-success")).ToContainTextAsync("is sent");
            await AssertAccessibleAsync(page, "the sent call-off");

            var number = new Uri(page.Url).AbsolutePath["/calloffs/".Length..];
            var callOff = await portal.WithDbAsync(db => db.CallOffs.AsNoTracking().Include(c => c.Lines).SingleAsync(c => c.Number == number));
            Assert.Equal((CallOffStatus.Sent, "Priya Natarajan"), (callOff.Status, callOff.ContactName));
            var line = Assert.Single(callOff.Lines);
            Assert.Equal(("CONE-28", 2m), (line.ProductCode, line.Quantity));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Customer_reveals_one_license_code(int width, int height)
    {
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/licenses");
            await AssertAccessibleAsync(page, "/licenses");
            await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("FTP-7Q2K");
            await page.GetByRole(AriaRole.Button, new() { Name = "Show code FleetTrack Pro" }).ClickAsync();
            await Assertions.Expect(page.Locator("[data-test=revealed-code]")).ToHaveTextAsync("FTP-7Q2K-M9XD-44RA-PLNE");
            await AssertAccessibleAsync(page, "/licenses with a code shown");
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
    }
}
