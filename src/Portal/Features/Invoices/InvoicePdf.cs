using System.Globalization;
using Microsoft.Extensions.Localization;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.Pdf;

namespace Portal.Features.Invoices;

/// <summary>The invoice as a PDF a person accepts from a vendor: letterhead, bill-to, lines, totals, amount due, terms.</summary>
public static class InvoicePdf
{
    public static byte[] Render(InvoiceDocument invoice, InvoiceStatus status, OperatorSettings settings, IStringLocalizer l, CultureInfo culture)
    {
        string Money(decimal amount) => Currencies.Format(amount, invoice.Currency, culture);
        string Date(DateOnly date) => date.ToString("d", culture);
        string Number(decimal value) => value.ToString("#,0.####", culture);

        var support = string.Join("  ·  ", new[] { settings.SupportPhone, settings.SupportEmail }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var letterhead = OperatorLetterhead.For(settings, l["Invoice"].Value.ToUpper(culture), invoice.Number, l["Invoice {0}", invoice.Number], l);

        using var pdf = new PdfDocumentWriter(letterhead);

        // Bill-to on the left, the invoice's facts on the right.
        var top = pdf.Y;
        var half = pdf.Width / 2;
        pdf.Text(l["Bill to"], pdf.Bold, pdf.Left, half, PdfAlign.Left, pdf.SoftBrush);
        pdf.Gap(pdf.LineHeight(pdf.Bold));
        // Wrapped to the column: a long name or address line would otherwise run under the invoice's facts.
        foreach (var line in pdf.Wrap(invoice.BillTo.Name, pdf.Bold, half))
        {
            pdf.Text(line, pdf.Bold, pdf.Left, half);
            pdf.Gap(pdf.LineHeight(pdf.Bold));
        }

        foreach (var line in invoice.BillTo.AddressLines().SelectMany(a => pdf.Wrap(a, pdf.Body, half)))
        {
            pdf.Text(line, pdf.Body, pdf.Left, half);
            pdf.Gap(pdf.LineHeight(pdf.Body));
        }

        pdf.Text(l["Account {0}", invoice.BillTo.AccountNumber], pdf.Body, pdf.Left, half);
        pdf.Gap(pdf.LineHeight(pdf.Body));

        // The account's phone and e-mail, as the registration page promises ("as printed on your invoices").
        foreach (var contact in new[] { invoice.BillTo.Phone is null ? null : PhoneText(invoice.BillTo.Phone), invoice.BillTo.Email }.OfType<string>())
        {
            foreach (var line in pdf.Wrap(contact, pdf.Body, half))
            {
                pdf.Text(line, pdf.Body, pdf.Left, half);
                pdf.Gap(pdf.LineHeight(pdf.Body));
            }
        }

        var leftBottom = pdf.Y;

        var terms = invoice.DueDate.DayNumber - invoice.IssueDate.DayNumber;
        var facts = new List<(string Label, string Value)>
        {
            (l["Invoice number"], invoice.Number),
            (l["Invoice date"], Date(invoice.IssueDate)),
            (l["Due date"], Date(invoice.DueDate)),
            (l["Payment terms"], terms > 0 ? l["Net {0} days", terms] : l["Due on receipt"]),
        };
        if (invoice.PurchaseOrder is not null)
        {
            facts.Add((l["Purchase order"], invoice.PurchaseOrder));
        }

        if (invoice.PeriodStart is DateOnly start && invoice.PeriodEnd is DateOnly end)
        {
            facts.Add((l["Service period"], $"{Date(start)} – {Date(end)}"));
        }

        if (invoice.Branch is not null)
        {
            facts.Add((l["Branch"], settings.BranchName(invoice.Branch)));
        }

        if (status is InvoiceStatus.Void or InvoiceStatus.Paid or InvoiceStatus.Overdue)
        {
            facts.Add((l["Status"], InvoiceStatusText.Label(status, l)));
        }

        pdf.Y = top;
        pdf.Facts(facts, pdf.Left + half + 20);

        pdf.Y = Math.Max(pdf.Y, leftBottom) + 16;

        if (invoice.IsVoid)
        {
            pdf.Paragraph(l["This invoice is void. Nothing is owed on it."], pdf.Large, pdf.Left, pdf.Width);
            pdf.Gap(8);
        }

        pdf.Table(
            [
                new PdfColumn(l["Product"], 1.3),
                new PdfColumn(l["Description"], 3.6, Wrap: true),
                new PdfColumn(l["Qty"], 0.8, PdfAlign.Right),
                new PdfColumn(l["Unit"], 0.7),
                new PdfColumn(l["Unit price"], 1.2, PdfAlign.Right),
                new PdfColumn(l["Amount"], 1.3, PdfAlign.Right),
                new PdfColumn(l["Tax"], 1.0, PdfAlign.Right),
            ],
            invoice.Lines.Select(x => (IReadOnlyList<string>)
                [x.ProductCode ?? "", x.Description, Number(x.Quantity), x.Unit ?? "", Money(x.UnitPrice), Money(x.Amount), Money(x.Tax)]));

        // Totals, right-aligned under the amount columns; kept together on one page.
        var totals = new List<(string Label, string Value, bool Strong)>
        {
            (l["Subtotal"], Money(invoice.Subtotal), false),
            (l["Tax"], Money(invoice.TaxTotal), false),
            (l["Total"], Money(invoice.Total), true),
        };
        if (invoice.PaidSoFar > 0m)
        {
            totals.Add((l["Payments received"], "−" + Money(invoice.PaidSoFar), false));
        }

        if (invoice.CreditedSoFar > 0m)
        {
            totals.Add((l["Credits applied"], "−" + Money(invoice.CreditedSoFar), false));
        }

        var rowHeight = pdf.LineHeight(pdf.Body) + 3;
        pdf.EnsureSpace((totals.Count * rowHeight) + 40);
        var boxLeft = pdf.Right - 230;
        foreach (var (label, value, strong) in totals)
        {
            var font = strong ? pdf.Bold : pdf.Body;
            pdf.Text(label, font, boxLeft, 120, PdfAlign.Left, strong ? pdf.InkBrush : pdf.SoftBrush);
            pdf.Text(value, font, boxLeft + 110, 120, PdfAlign.Right);
            pdf.Gap(rowHeight);
        }

        pdf.Gap(4);
        var due = invoice.IsVoid ? 0m : invoice.Open;
        var dueHeight = pdf.LineHeight(pdf.Large) + 10;
        pdf.FillRect(boxLeft - 6, pdf.Y, pdf.Right - boxLeft + 6, dueHeight, PdfSharp.Drawing.XColor.FromArgb(232, 240, 248));
        pdf.Gap(5);
        pdf.Text(l["Amount due"], pdf.Large, boxLeft, 120);
        pdf.Text(Money(due), pdf.Large, boxLeft + 90, 140, PdfAlign.Right);
        pdf.Gap(dueHeight + 12);

        // Terms, memo and how to get help.
        pdf.EnsureSpace(80);
        pdf.Text(l["Payment terms"], pdf.Heading, pdf.Left, pdf.Width);
        pdf.Gap(pdf.LineHeight(pdf.Heading));
        var termsText = due > 0m
            ? l["Please pay {0} by {1}. Quote invoice {2} with your payment, or pay online in the customer portal.", Money(due), Date(invoice.DueDate), invoice.Number]
            : l["Nothing is due on this invoice. Thank you for your business."];
        pdf.Paragraph(termsText, pdf.Body, pdf.Left, pdf.Width);
        if (!string.IsNullOrWhiteSpace(invoice.Memo))
        {
            pdf.Gap(6);
            pdf.Paragraph(invoice.Memo, pdf.Body, pdf.Left, pdf.Width);
        }

        // Where a check goes: the remit-to address when the operator has one, else the postal address.
        var remitTo = OperatorLetterhead.Lines(settings.RemitTo ?? settings.Address);
        if (due > 0m && remitTo.Length > 0)
        {
            pdf.Gap(6);
            pdf.EnsureSpace(pdf.LineHeight(pdf.Bold) + (remitTo.Length * pdf.LineHeight(pdf.Body)));
            pdf.Text(l["Remit to"], pdf.Bold, pdf.Left, pdf.Width);
            pdf.Gap(pdf.LineHeight(pdf.Bold));
            foreach (var line in remitTo)
            {
                pdf.Paragraph(line, pdf.Body, pdf.Left, pdf.Width);
            }
        }

        if (support.Length > 0)
        {
            pdf.Gap(6);
            pdf.Paragraph(l["Questions about this invoice? Contact us: {0}", support], pdf.Body, pdf.Left, pdf.Width);
        }

        return pdf.ToArray();
    }

    // A ten-digit number (as stored: 6175550101) reads as (617) 555-0101; anything else is printed as given.
    private static string PhoneText(string phone) =>
        phone.Length == 10 && phone.All(char.IsAsciiDigit) ? $"({phone[..3]}) {phone[3..6]}-{phone[6..]}" : phone;
}
