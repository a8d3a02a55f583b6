using System.Globalization;
using Microsoft.Extensions.Localization;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.Pdf;

namespace Portal.Features.Quotes;

/// <summary>The quote as a PDF: letterhead, the customer, validity, lines and total.</summary>
public static class QuotePdf
{
    public sealed record Document(string Number, PdfAddressee Customer, DateOnly? IssuedOn, DateOnly? ValidUntil, QuoteStatus Status, string Currency, decimal Total, IReadOnlyList<DetailsModel.QuoteLineRow> Lines);

    public static byte[] Render(Document quote, OperatorSettings settings, IStringLocalizer l, CultureInfo culture)
    {
        string Money(decimal amount) => Currencies.Format(amount, quote.Currency, culture);
        string Date(DateOnly date) => date.ToString("d", culture);

        using var pdf = new PdfDocumentWriter(OperatorLetterhead.For(settings, l["Quote"].Value.ToUpper(culture), quote.Number, l["Quote {0}", quote.Number], l));

        var top = pdf.Y;
        var half = pdf.Width / 2;
        pdf.Party(l["Prepared for"], quote.Customer.Name, [.. quote.Customer.Address, l["Account {0}", quote.Customer.Number]], half);
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
        pdf.Facts(facts, pdf.Left + half + 20);

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
