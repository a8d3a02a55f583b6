using System.Globalization;
using Microsoft.Extensions.Localization;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.Pdf;

namespace Portal.Features.Payments;

/// <summary>A payment receipt as a PDF: the operator, who paid, how much, how, when (in the operator's time zone), and what it paid.</summary>
public static class ReceiptPdf
{
    public static byte[] Render(DetailsModel.Receipt receipt, ReceiptPayer payer, OperatorSettings settings, TimeZoneInfo zone, IStringLocalizer l, CultureInfo culture)
    {
        string Money(decimal amount) => Currencies.Format(amount, receipt.Currency, culture);

        using var pdf = new PdfDocumentWriter(OperatorLetterhead.For(
            settings, l["Receipt"].Value.ToUpper(culture), receipt.Number, l["Receipt {0}", receipt.Number], l));

        var top = pdf.Y;
        var half = pdf.Width / 2;
        pdf.Text(l["Received from"], pdf.Bold, pdf.Left, half, PdfAlign.Left, pdf.SoftBrush);
        pdf.Gap(pdf.LineHeight(pdf.Bold));
        foreach (var line in pdf.Wrap(payer.Name, pdf.Bold, half))
        {
            pdf.Text(line, pdf.Bold, pdf.Left, half);
            pdf.Gap(pdf.LineHeight(pdf.Bold));
        }

        pdf.Text(l["Account {0}", payer.AccountNumber], pdf.Body, pdf.Left, half);
        pdf.Gap(pdf.LineHeight(pdf.Body));
        var leftBottom = pdf.Y;

        var local = OperatorClock.ToLocal(receipt.ReceivedAt, zone);
        var facts = new List<(string Label, string Value)>
        {
            (l["Receipt number"], receipt.Number),
            (l["Date and time"], local.ToString("g", culture)),
            (l["Method"], PaymentText.Method(receipt.Method, l)),
        };
        if (receipt.MethodDetail is not null)
        {
            facts.Add((l["Reference"], receipt.MethodDetail));
        }

        facts.Add((l["Status"], PaymentText.Status(receipt.Status, l)));
        facts.Add((l["Amount"], Money(receipt.Amount)));

        pdf.Y = top;
        var factsLeft = pdf.Left + half + 20;
        pdf.Facts(facts, factsLeft);

        // Said once: the one time on the receipt is the operator's local time.
        pdf.Text(l["Times are {0} time.", OperatorClock.ZoneName(zone)], pdf.Small, factsLeft, pdf.Right - factsLeft, PdfAlign.Right, pdf.SoftBrush);
        pdf.Gap(pdf.LineHeight(pdf.Small));
        pdf.Y = Math.Max(pdf.Y, leftBottom) + 16;

        pdf.Text(l["Invoices paid"], pdf.Heading, pdf.Left, pdf.Width);
        pdf.Gap(pdf.LineHeight(pdf.Heading) + 2);
        if (receipt.Allocations.Count == 0)
        {
            pdf.Paragraph(l["This payment has not been applied to an invoice."], pdf.Body, pdf.Left, pdf.Width);
            pdf.Gap(6);
        }
        else
        {
            pdf.Table(
                [
                    new PdfColumn(l["Invoice"], 1.5),
                    new PdfColumn(l["Issued"], 1.2),
                    new PdfColumn(l["Invoice total"], 1.3, PdfAlign.Right),
                    new PdfColumn(l["Paid"], 1.3, PdfAlign.Right),
                ],
                receipt.Allocations.Select(a => (IReadOnlyList<string>)[a.InvoiceNumber, a.IssueDate.ToString("d", culture), Money(a.InvoiceTotal), Money(a.Amount)]));
        }

        var boxLeft = pdf.Right - 230;
        var rowHeight = pdf.LineHeight(pdf.Body) + 3;
        pdf.EnsureSpace(rowHeight * 3);
        pdf.Text(l["Total applied"], pdf.Bold, boxLeft, 120);
        pdf.Text(Money(receipt.Allocations.Sum(a => a.Amount)), pdf.Bold, boxLeft + 110, 120, PdfAlign.Right);
        pdf.Gap(rowHeight);
        if (receipt.Unapplied > 0m)
        {
            pdf.Text(l["Not yet applied to an invoice"], pdf.Body, pdf.Left, boxLeft + 100 - pdf.Left, PdfAlign.Right, pdf.SoftBrush);
            pdf.Text(Money(receipt.Unapplied), pdf.Body, boxLeft + 110, 120, PdfAlign.Right);
            pdf.Gap(rowHeight);
        }

        pdf.Gap(10);
        pdf.Paragraph(l["Thank you for your payment. Keep this receipt for your records."], pdf.Body, pdf.Left, pdf.Width);
        return pdf.ToArray();
    }
}

/// <summary>Who the receipt says paid: the account.</summary>
public sealed record ReceiptPayer(string AccountNumber, string Name);
