using System.Globalization;
using Microsoft.Extensions.Localization;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.Pdf;

namespace Portal.Features.Statements;

/// <summary>The statement as a PDF a clerk accepts from a vendor: letterhead, the account, the documents with a running balance, aging.</summary>
public static class StatementPdf
{
    public static byte[] Render(Statement statement, string accountNumber, string accountName, OperatorSettings settings, IStringLocalizer l, CultureInfo culture)
    {
        var money = Currencies.NumberFormat(statement.Currency, culture);
        string Money(decimal amount) => amount.ToString("C", money);
        string Date(DateOnly date) => date.ToString("d", culture);

        var period = statement.AsOf ? l["As of {0}", Date(statement.To)].Value : l["{0} to {1}", Date(statement.From), Date(statement.To)].Value;
        var letterhead = OperatorLetterhead.For(settings, l["Statement"].Value.ToUpper(culture), period, l["Statement for account {0}", accountNumber], l);

        using var pdf = new PdfDocumentWriter(letterhead);
        pdf.Text(accountName, pdf.Bold, pdf.Left, pdf.Width);
        pdf.Gap(pdf.LineHeight(pdf.Bold));
        pdf.Text(l["Account {0}", accountNumber], pdf.Body, pdf.Left, pdf.Width);
        pdf.Gap(pdf.LineHeight(pdf.Body) + 10);

        var figures = new List<(string Label, string Value)>();
        if (!statement.AsOf)
        {
            figures.Add((l["Opening balance"], Money(statement.Opening)));
        }

        figures.Add((l["Closing balance"], Money(statement.Closing)));
        foreach (var (label, value) in figures)
        {
            pdf.Text(label, pdf.Heading, pdf.Left, 200);
            pdf.Text(value, pdf.Heading, pdf.Left + 200, 140, PdfAlign.Right);
            pdf.Gap(pdf.LineHeight(pdf.Heading) + 2);
        }

        pdf.Gap(10);
        foreach (var section in statement.Sections)
        {
            if (statement.Sections.Count > 1)
            {
                pdf.EnsureSpace(60);
                pdf.Text($"{section.AccountName} · {l["Account {0}", section.AccountNumber]}", pdf.Heading, pdf.Left, pdf.Width);
                pdf.Gap(pdf.LineHeight(pdf.Heading) + 2);
            }

            if (!statement.AsOf)
            {
                // A year of a large account is some 10,000 lines: the labels are looked up once, not per line.
                string[] kinds = [StatementText.Kind(StatementLineKind.Invoice, l), StatementText.Kind(StatementLineKind.CreditMemo, l), StatementText.Kind(StatementLineKind.Payment, l)];
                var dueFormat = l["due {0}"].Value;
                var rows = new List<IReadOnlyList<string>>(section.Lines.Count + 2) { new[] { Date(statement.From), l["Opening balance"].Value, "", "", "", Money(section.Opening) } };
                foreach (var x in section.Lines)
                {
                    rows.Add(
                    [
                        Date(x.Date),
                        kinds[(int)x.Kind] + " " + x.Number,
                        x.DueDate is DateOnly due ? $"{x.Reference} {string.Format(culture, dueFormat, Date(due))}".Trim() : x.Reference ?? "",
                        x.Charge != 0m ? Money(x.Charge) : "",
                        x.Credit != 0m ? Money(x.Credit) : "",
                        Money(x.Balance),
                    ]);
                }

                rows.Add([Date(statement.To), statement.Sections.Count > 1 ? l["Subtotal for account {0}", section.AccountNumber] : l["Closing balance"], "", "", "", Money(section.Closing)]);
                pdf.Table(
                    [
                        new PdfColumn(l["Date"], 1.0),
                        new PdfColumn(l["Document"], 1.8, Wrap: true),
                        new PdfColumn(l["Reference"], 2.0, Wrap: true),
                        new PdfColumn(l["Charges"], 1.2, PdfAlign.Right),
                        new PdfColumn(l["Payments and credits"], 1.3, PdfAlign.Right),
                        new PdfColumn(l["Balance"], 1.2, PdfAlign.Right),
                    ],
                    rows);
            }
            else if (statement.Sections.Count > 1)
            {
                pdf.Text(l["Balance"], pdf.Body, pdf.Left, 200);
                pdf.Text(Money(section.Closing), pdf.Body, pdf.Left + 200, 140, PdfAlign.Right);
                pdf.Gap(pdf.LineHeight(pdf.Body) + 6);
            }
        }

        pdf.EnsureSpace(90);
        pdf.Text(l["What was open on {0}, by days past due", Date(statement.To)], pdf.Heading, pdf.Left, pdf.Width);
        pdf.Gap(pdf.LineHeight(pdf.Heading) + 2);
        var aging = statement.Aging;
        pdf.Table(
            [
                new PdfColumn(l["Current"], 1, PdfAlign.Right),
                new PdfColumn(l["1-30 days"], 1, PdfAlign.Right),
                new PdfColumn(l["31-60 days"], 1, PdfAlign.Right),
                new PdfColumn(l["61-90 days"], 1, PdfAlign.Right),
                new PdfColumn(l["Over 90 days"], 1, PdfAlign.Right),
                new PdfColumn(l["Total open"], 1, PdfAlign.Right),
            ],
            [[Money(aging.Current), Money(aging.Days1To30), Money(aging.Days31To60), Money(aging.Days61To90), Money(aging.Over90), Money(aging.Total)]]);
        if (statement.Unapplied != 0m)
        {
            pdf.Paragraph(l["Payments and credits not yet applied to an invoice on that date: {0}.", Money(statement.Unapplied)], pdf.Body, pdf.Left, pdf.Width);
        }

        var support = string.Join("  ·  ", new[] { settings.SupportPhone, settings.SupportEmail }.Where(s => !string.IsNullOrWhiteSpace(s)));
        if (support.Length > 0)
        {
            pdf.Gap(8);
            pdf.Paragraph(l["Questions about this statement? Contact us: {0}", support], pdf.Body, pdf.Left, pdf.Width);
        }

        return pdf.ToArray();
    }
}
