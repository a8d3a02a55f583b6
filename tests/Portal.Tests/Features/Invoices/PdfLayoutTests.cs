using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Portal.Features.Accounts;
using Portal.Infrastructure;
using Portal.Resources;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Invoices;

/// <summary>The invoice PDF's layout in each language, read back from the PDF's text positions (poppler's pdftotext -bbox).</summary>
public sealed partial class PdfLayoutTests(PortalFactory portal)
{
    private static readonly string[] Headers = ["Product", "Description", "Qty", "Unit", "Unit price", "Amount", "Tax"];

    [Theory]
    [InlineData("en")]
    [InlineData("es")]
    [InlineData("fr")]
    public async Task No_column_header_of_the_invoice_table_overlaps_its_neighbour(string language)
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var number = await portal.WithDbAsync(async db =>
        {
            var invoice = InvoiceTestData.NewInvoice(account, 1, new DateOnly(2024, 6, 1), 1234.56m, 1234.56m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync(ct);
            return invoice.Number;
        });
        var client = await portal.LoginAsync(account.Email);

        var pdf = await client.GetByteArrayAsync($"/invoices/{number}/pdf?culture={language}", ct);
        var words = await WordsAsync(pdf);
        // ./test.sh installs poppler-utils: a machine without it fails here rather than passing silently.
        Assert.True(words is not null, "pdftotext (poppler-utils) is needed to read the PDF's text.");

        var l = portal.Services.GetRequiredService<IStringLocalizer<SharedResource>>();
        string[] headers;
        using (CultureScope.Use(CultureInfo.GetCultureInfo(language), CultureInfo.GetCultureInfo(language)))
        {
            headers = [.. Headers.Select(h => l[h].Value)];
        }

        // The header line is the one holding the first word of every header.
        var line = words.GroupBy(w => Math.Round(w.YMin)).Single(g => headers.All(h => g.Any(w => w.Text == h.Split(' ')[0])));
        var row = line.OrderBy(w => w.XMin).ToList();
        var spans = new List<(string Header, double XMin, double XMax)>();
        var at = 0;
        foreach (var header in headers)
        {
            var parts = header.Split(' ');
            at = row.FindIndex(at, w => w.Text == parts[0]);
            Assert.True(at >= 0, $"{language}: header '{header}' not found in order on its line: {string.Join(" | ", row.Select(w => w.Text))}");
            var taken = row.Skip(at).Take(parts.Length).ToList();
            Assert.Equal(parts, taken.Select(w => w.Text));
            spans.Add((header, taken[0].XMin, taken[^1].XMax));
            at += parts.Length;
        }

        for (var i = 1; i < spans.Count; i++)
        {
            Assert.True(spans[i - 1].XMax < spans[i].XMin,
                $"{language}: '{spans[i - 1].Header}' ends at x={spans[i - 1].XMax:0.0} and '{spans[i].Header}' starts at x={spans[i].XMin:0.0}: they overlap");
        }
    }

    [Fact]
    public async Task The_pdf_prints_the_accounts_phone_and_email_and_the_operators_remit_to_address()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var own = new PortalFactory();
        await own.InitializeAsync();
        var account = await InvoiceTestData.NewAccountAsync(own, Permissions.All);
        var number = await own.WithDbAsync(async db =>
        {
            var row = await db.Accounts.FindAsync([account.Id], ct);
            row!.Phone = "6175550199";
            row.Email = "ap@zebra-test.example";
            var settings = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.OperatorSettings, ct);
            settings.RemitTo = "Lockbox 4410\nPO Box 99\nHartford, CT 06101";
            var invoice = InvoiceTestData.NewInvoice(account, 1, new DateOnly(2024, 6, 1), 80m, 80m);
            db.Invoices.Add(invoice);
            await db.SaveChangesAsync(ct);
            return invoice.Number;
        });
        own.Services.GetRequiredService<OperatorSettingsCache>().Invalidate();
        var client = await own.LoginAsync(account.Email);

        var response = await client.GetAsync($"/invoices/{number}/pdf", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await InvoiceTestData.PdfTextAsync(await response.Content.ReadAsByteArrayAsync(ct));
        if (text is null)
        {
            return;
        }

        Assert.Contains("(617) 555-0199", text, StringComparison.Ordinal);
        Assert.Contains("ap@zebra-test.example", text, StringComparison.Ordinal);
        Assert.Contains("Remit to", text, StringComparison.Ordinal);
        Assert.Contains("Lockbox 4410", text, StringComparison.Ordinal);
        Assert.Contains("Hartford, CT 06101", text, StringComparison.Ordinal);
    }

    /// <summary>Every word of the PDF with its box, or null where poppler-utils is not installed.</summary>
    internal static async Task<List<(string Text, double XMin, double XMax, double YMin)>?> WordsAsync(byte[] pdf)
    {
        var file = Path.Combine(Path.GetTempPath(), $"portal-test-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            Process process;
            try
            {
                process = Process.Start(new ProcessStartInfo("pdftotext", ["-bbox", file, "-"]) { RedirectStandardOutput = true })!;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }

            using var _ = process;
            var html = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return [.. Word().Matches(html).Select(m => (WebUtility.HtmlDecode(m.Groups[5].Value), Parse(m.Groups[1].Value), Parse(m.Groups[3].Value), Parse(m.Groups[2].Value)))];
        }
        finally
        {
            File.Delete(file);
        }

        static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("<word xMin=\"([0-9.]+)\" yMin=\"([0-9.]+)\" xMax=\"([0-9.]+)\" yMax=\"([0-9.]+)\">([^<]*)</word>")]
    private static partial Regex Word();
}
