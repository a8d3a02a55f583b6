using System.Globalization;
using Microsoft.Extensions.Localization;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.Pdf;

namespace Portal.Features.Quotes;

/// <summary>The quote as a PDF: letterhead, the customer, validity, lines and total.</summary>
public static class QuotePdf
{
    public sealed record Document(string Number, string AccountName, string AccountNumber, IReadOnlyList<string> Address, DateOnly? IssuedOn, DateOnly? ValidUntil, QuoteStatus Status, string Currency, decimal Total, IReadOnlyList<DetailsModel.QuoteLineRow> Lines);

    public static byte[] Render(Document quote, OperatorSettings settings, IStringLocalizer l, CultureInfo culture)
    {
        string Money(decimal amount) => Currencies.Format(amount, quote.Currency, culture);
        string Date(DateOnly date) => date.ToString("d", culture);

        var address = (settings.Address ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var letterhead = new PdfLetterhead(
            settings.Name, address, settings.Logo, settings.LogoContentType, settings.PrimaryColor,
            l["Quote"].Value.ToUpper(culture), quote.Number,
            string.Join("  ·  ", new[] { settings.LegalName ?? settings.Name, l["Quote {0}", quote.Number].Value }),
            l["Page {0} of {1}"]);
        using var pdf = new PdfDocumentWriter(letterhead);

        var top = pdf.Y;
        var half = pdf.Width / 2;
        pdf.Text(l["Prepared for"], pdf.Bold, pdf.Left, half, PdfAlign.Left, pdf.SoftBrush);
        pdf.Gap(pdf.LineHeight(pdf.Bold));
        pdf.Text(quote.AccountName, pdf.Bold, pdf.Left, half);
        pdf.Gap(pdf.LineHeight(pdf.Bold));
        foreach (var line in quote.Address)
        {
            pdf.Text(line, pdf.Body, pdf.Left, half);
            pdf.Gap(pdf.LineHeight(pdf.Body));
        }

        pdf.Text(l["Account {0}", quote.AccountNumber], pdf.Body, pdf.Left, half);
        pdf.Gap(pdf.LineHeight(pdf.Body));
        var leftBottom = pdf.Y;

        var facts = new List<(string Label, string Value)> { (l["Quote number"], quote.Number) };
        if (quote.IssuedOn is DateOnly issued)
        {
            facts.Add((l["Issued"], Date(issued)));
        }

        if (quote.ValidUntil is DateOnly until)
        {
            facts.Add((l["Valid until"], Date(until)));
        }

        facts.Add((l["Status"], QuoteText.Status(quote.Status, l)));
        pdf.Y = top;
        var factsLeft = pdf.Left + half + 20;
        foreach (var (label, value) in facts)
        {
            pdf.Text(label, pdf.Body, factsLeft, 95, PdfAlign.Left, pdf.SoftBrush);
            pdf.Text(value, pdf.Bold, factsLeft + 95, pdf.Right - factsLeft - 95, PdfAlign.Right);
            pdf.Gap(pdf.LineHeight(pdf.Body) + 1);
        }

        pdf.Y = Math.Max(pdf.Y, leftBottom) + 16;
        pdf.Table(
            [
                new PdfColumn(l["Product"], 1.3),
                new PdfColumn(l["Description"], 3.6, Wrap: true),
                new PdfColumn(l["Qty"], 0.8, PdfAlign.Right),
                new PdfColumn(l["Unit"], 0.7),
                new PdfColumn(l["Unit price"], 1.2, PdfAlign.Right),
                new PdfColumn(l["Amount"], 1.3, PdfAlign.Right),
            ],
            quote.Lines.Select(x => (IReadOnlyList<string>)
                [x.ProductCode ?? "", x.Description, x.Quantity.ToString("#,0.####", culture), x.Unit ?? "", Money(x.UnitPrice), Money(x.Amount)]));
        pdf.EnsureSpace(40);
        var boxLeft = pdf.Right - 230;
        pdf.Text(l["Total"], pdf.Large, boxLeft, 120);
        pdf.Text(Money(quote.Total), pdf.Large, boxLeft + 90, 140, PdfAlign.Right);
        pdf.Gap(pdf.LineHeight(pdf.Large) + 12);
        if (quote.ValidUntil is DateOnly last)
        {
            pdf.Paragraph(l["This quote is valid until {0}. Accept it in the customer portal.", Date(last)], pdf.Body, pdf.Left, pdf.Width);
        }

        return pdf.ToArray();
    }
}
