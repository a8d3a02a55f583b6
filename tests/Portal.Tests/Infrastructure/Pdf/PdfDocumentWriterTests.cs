using System.Text;
using System.Text.RegularExpressions;
using Portal.Infrastructure.Pdf;
using Portal.Tests.Features.Invoices;

namespace Portal.Tests.Infrastructure.Pdf;

public sealed class PdfDocumentWriterTests
{
    // A 4 x 2 pixel PNG in the demo brand colour.
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAQAAAACCAIAAADwyuo0AAAAEElEQVR4nGOQ96uEIwZkDgBaugcxSiTGbQAAAABJRU5ErkJggg==");

    [Fact]
    public async Task A_png_logo_is_drawn_as_an_image_and_the_name_is_not_drawn_as_a_wordmark()
    {
        var bytes = Write(Png, "image/png");

        Assert.Matches(new Regex(@"/Subtype\s*/Image"), Encoding.Latin1.GetString(bytes));
        var text = await InvoiceTestData.PdfTextAsync(bytes);
        if (text is not null)
        {
            Assert.DoesNotContain("Acme Wordmark", text, StringComparison.Ordinal);
            Assert.Contains("Page 1 of 1", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("image/svg+xml")]
    [InlineData("image/png")]
    public async Task An_svg_or_broken_logo_falls_back_to_the_operator_name_as_a_wordmark(string contentType)
    {
        var bytes = Write(Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), contentType);

        Assert.DoesNotMatch(new Regex(@"/Subtype\s*/Image"), Encoding.Latin1.GetString(bytes));
        var text = await InvoiceTestData.PdfTextAsync(bytes);
        if (text is not null)
        {
            Assert.Contains("Acme Wordmark", text, StringComparison.Ordinal);
        }
    }

    private static byte[] Write(byte[] logo, string contentType)
    {
        using var pdf = new PdfDocumentWriter(new PdfLetterhead(
            "Acme Wordmark", ["Acme Inc.", "1 Main St"], logo, contentType, "#1F4E79", "INVOICE", "A-1", "Acme Inc.", "Page {0} of {1}"));
        pdf.Paragraph("Hello", pdf.Body, pdf.Left, pdf.Width);
        return pdf.ToArray();
    }
}
