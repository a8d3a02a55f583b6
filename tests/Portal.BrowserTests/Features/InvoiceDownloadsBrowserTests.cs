using System.Globalization;
using System.IO.Compression;
using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Portal.BrowserTests.Infrastructure;

namespace Portal.BrowserTests.Features;

/// <summary>The accounts-payable clerk's downloads from the invoice list, on a phone and a desktop, with axe.</summary>
public sealed class InvoiceDownloadsBrowserTests(BrowserFixture portal)
{
    private static readonly string[] Blocking = ["serious", "critical"];

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Clerk_selects_two_invoices_downloads_them_as_one_zip_and_exports_the_list_as_csv(int width, int height)
    {
        var page = await portal.NewPageAsync(width, height);
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync("/invoices?status=open");
            await AssertAccessibleAsync(page, "/invoices with selection");
            await Assertions.Expect(page.Locator("[data-test=invoice-totals]")).ToContainTextAsync("USD");

            var boxes = page.Locator("input[name=invoiceNumber]");
            var first = await boxes.Nth(0).GetAttributeAsync("value");
            var second = await boxes.Nth(1).GetAttributeAsync("value");
            await boxes.Nth(0).CheckAsync();
            await boxes.Nth(1).CheckAsync();
            var zip = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-test=download-zip]").ClickAsync());
            var zipPath = await zip.PathAsync();
            using (var archive = ZipFile.OpenRead(zipPath))
            {
                Assert.Equal(
                    new[] { $"invoice-{first}.pdf", $"invoice-{second}.pdf" }.Order(StringComparer.Ordinal),
                    archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
            }

            var csv = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-test=invoices-csv]").ClickAsync());
            var text = await File.ReadAllTextAsync(await csv.PathAsync(), Encoding.UTF8, TestContext.Current.CancellationToken);
            Assert.StartsWith("Invoice,Issued,Due,Purchase order,Status,Currency,Total,Open balance", text.TrimStart('\uFEFF'), StringComparison.Ordinal);
            Assert.Contains(first!, text, StringComparison.Ordinal);
            Assert.DoesNotContain(",Paid,", text, StringComparison.Ordinal);
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
