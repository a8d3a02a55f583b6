using System.Globalization;
using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.BrowserTests.Infrastructure;

namespace Portal.BrowserTests.Features;

/// <summary>Opening a service call and commenting on it, and disputing an invoice, in a real browser on a phone and a desktop, with axe on every step.</summary>
public sealed class ServiceCallsAndDisputesBrowserTests(BrowserFixture portal)
{
    private static readonly string[] Blocking = ["serious", "critical"];

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Customer_opens_a_service_call_and_comments_on_it(int width, int height)
    {
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/service-calls");
            await AssertAccessibleAsync(page, "/service-calls");
            await page.GetByRole(AriaRole.Link, new() { Name = "Open a service call" }).ClickAsync();
            await AssertAccessibleAsync(page, "/service-calls/new");
            var subject = "Browser call " + width.ToString(CultureInfo.InvariantCulture);
            await page.Locator("#Subject").FillAsync(subject);
            await page.Locator("#Description").FillAsync("The boom lift shows error E12.");
            await page.Locator("#Equipment").FillAsync("Boom lift #3");
            await page.Locator("#Priority").SelectOptionAsync("High");
            await page.GetByRole(AriaRole.Button, new() { Name = "Open the service call" }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/service-calls/SC-", StringComparison.Ordinal), BrowserFixture.Parsed);
            await Assertions.Expect(page.Locator(".notice-success")).ToContainTextAsync("is open");
            await AssertAccessibleAsync(page, "a new service call");

            await page.Locator("#Body").FillAsync("The gate code is 4411.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send comment" }).ClickAsync();
            await Assertions.Expect(page.Locator(".thread")).ToContainTextAsync("The gate code is 4411.");
            await AssertAccessibleAsync(page, "a service call with a comment");

            var number = new Uri(page.Url).AbsolutePath["/service-calls/".Length..];
            var messages = await portal.WithDbAsync(db => db.RequestMessages.CountAsync(m => db.CustomerRequests.Any(r => r.Id == m.RequestId && r.Number == number)));
            Assert.Equal(1, messages);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Customer_disputes_an_invoice(int width, int height)
    {
        // An open invoice of the demo account with no open dispute.
        var invoice = await portal.WithDbAsync(db => db.Invoices.Where(i => i.Account!.Number == "10001" && i.OpenAmount > 0m && !i.IsVoid
                && !db.InvoiceDisputes.Any(d => d.InvoiceId == i.Id && d.Status == Portal.Features.Disputes.DisputeStatus.Open))
            .OrderBy(i => i.Id).Select(i => i.Number).FirstAsync());
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/invoices/" + Uri.EscapeDataString(invoice));
            await page.GetByRole(AriaRole.Link, new() { Name = "Dispute this invoice" }).ClickAsync();
            await AssertAccessibleAsync(page, "/invoices/{number}/dispute");
            await page.Locator("#Reason").SelectOptionAsync("Billed twice");
            await page.Locator("#Details").FillAsync("The delivery charge appears twice.");
            await page.Locator("#Amount").FillAsync("1.00");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send the dispute" }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/disputes/D-", StringComparison.Ordinal), BrowserFixture.Parsed);
            await Assertions.Expect(page.Locator(".notice-success")).ToContainTextAsync("is sent");
            await AssertAccessibleAsync(page, "the dispute");

            await page.GotoAsync("/invoices/" + Uri.EscapeDataString(invoice));
            await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Disputed");
            await page.GotoAsync("/requests");
            await AssertAccessibleAsync(page, "/requests");
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
