using System.Diagnostics;
using System.Text.RegularExpressions;
using Portal.BrowserTests.Infrastructure;

namespace Portal.BrowserTests.Features;

/// <summary>What a customer does most, in a real browser: log in, read the overview, find an invoice, take its PDF.</summary>
public sealed partial class CustomerJourneyTests(BrowserFixture portal)
{
    [Fact]
    public async Task Customer_logs_in_sees_the_overview_and_logs_out()
    {
        var page = await portal.NewPageAsync();

        await BrowserFixture.LoginAsync(page);

        Assert.Equal("/", new Uri(page.Url).AbsolutePath);
        Assert.Contains("Bayside Construction LLC", await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);

        await page.GotoAsync("/logout");
        await page.Locator("main form button[type=submit], form[method=post] button[type=submit]").First.ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/login", StringComparison.OrdinalIgnoreCase), BrowserFixture.Parsed);
        var afterLogout = await page.GotoAsync("/");
        Assert.StartsWith("/login", new Uri(page.Url).AbsolutePath, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(afterLogout);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Customer_opens_an_invoice_from_the_list_and_downloads_its_pdf()
    {
        var number = await portal.LatestInvoiceNumberAsync();
        var page = await portal.NewPageAsync();
        await BrowserFixture.LoginAsync(page);

        var list = await page.GotoAsync("/invoices");
        Assert.Equal(200, list!.Status);
        await page.Locator($"a[href='/invoices/{number}']").First.ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.Equals($"/invoices/{number}", StringComparison.OrdinalIgnoreCase), BrowserFixture.Parsed);
        Assert.Contains(number, await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        // The PDF link must hand the browser a file (Content-Disposition: attachment, or a download attribute).
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator($"a[href='/invoices/{number}/pdf']").First.ClickAsync());
        var file = Path.Combine(Path.GetTempPath(), $"portal-invoice-{Guid.NewGuid():N}.pdf");
        try
        {
            await download.SaveAsAsync(file);
            var text = await PdfTextAsync(file);
            Assert.Contains(number, text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Overview_fits_a_phone_screen_without_sideways_scrolling()
    {
        var page = await portal.NewPageAsync(width: 390, height: 844);
        await BrowserFixture.LoginAsync(page);

        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");

        Assert.True(widths[0] <= widths[1], $"The overview is {widths[0]} px wide on a {widths[1]} px phone screen.");
        await page.Context.CloseAsync();
    }

    private static async Task<string> PdfTextAsync(string file)
    {
        var start = new ProcessStartInfo("pdftotext") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(file);
        start.ArgumentList.Add("-");
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("pdftotext is missing: run ./test.sh (it installs poppler-utils).", e);
        }

        using (process)
        {
            var text = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(process.ExitCode == 0, $"pdftotext failed: {await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken)}");
            return WhiteSpace().Replace(text, " ");
        }
    }

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex WhiteSpace();
}
