using System.Globalization;
using Microsoft.Extensions.Localization;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.Pdf;

namespace Portal.Features.Contracts;

/// <summary>
/// The contract as a PDF a rental yard hands over: letterhead, the renter and the job site, the
/// contract's facts, each item with what is still out and when it is due back, and the terms line.
/// Rates appear only for a reader who may see money.
/// </summary>
public static class ContractPdf
{
    public sealed record Document(DetailsModel.ContractView Contract, PdfAddressee Renter, string Currency, bool ShowRates, DateOnly Today, IReadOnlyList<DetailsModel.ItemRow> Items);

    public static byte[] Render(Document doc, OperatorSettings settings, IStringLocalizer l, CultureInfo culture)
    {
        var contract = doc.Contract;
        string Date(DateOnly date) => date.ToString("d", culture);
        string Qty(decimal q) => q.ToString("#,0.####", culture);
        var title = contract.Status == ContractStatus.Reserved ? l["Reservation"].Value : l["Rental contract"].Value;

        using var pdf = new PdfDocumentWriter(OperatorLetterhead.For(settings, title.ToUpper(culture), contract.Number, l["Contract {0}", contract.Number], l));

        var top = pdf.Y;
        var half = pdf.Width / 2;
        pdf.Party(l["Renter"], doc.Renter.Name, [.. doc.Renter.Address, l["Account {0}", doc.Renter.Number]], half);
        if (contract.JobSite is not null)
        {
            pdf.Gap(6);
            pdf.Text(l["Job site"], pdf.Bold, pdf.Left, half, PdfAlign.Left, pdf.SoftBrush);
            pdf.Gap(pdf.LineHeight(pdf.Bold));
            pdf.Paragraph(contract.JobSite, pdf.Body, pdf.Left, half - 10);
        }

        var leftBottom = pdf.Y;
        var facts = new List<(string Label, string Value)>
        {
            (l["Contract number"], contract.Number),
            (l["Status"], ContractText.Status(contract.Status, l)),
            (l["Start"], Date(contract.StartDate)),
        };
        if (contract.EndDate is DateOnly end)
        {
            facts.Add((l["End"], Date(end)));
        }

        if (contract.PurchaseOrder is not null)
        {
            facts.Add((l["Purchase order"], contract.PurchaseOrder));
        }

        if (contract.Branch is not null)
        {
            facts.Add((l["Branch"], settings.BranchName(contract.Branch)));
        }

        facts.Add((l["Printed"], Date(doc.Today)));
        pdf.Y = top;
        pdf.Facts(facts, pdf.Left + half + 20);

        pdf.Y = Math.Max(pdf.Y, leftBottom) + 16;
        var columns = new List<PdfColumn>
        {
            new(l["Item"], 1.1),
            new(l["Description"], 2.8, Wrap: true),
            new(l["Asset no."], 1.1),
            new(l["Out"], 0.6, PdfAlign.Right),
            new(l["Returned"], 0.8, PdfAlign.Right),
            new(l["Date out"], 1.0),
            new(l["Due back"], 1.0),
        };
        if (doc.ShowRates)
        {
            columns.Add(new(l["Rate"], 1.5, PdfAlign.Right));
        }

        pdf.Table(columns, doc.Items.Select(x =>
        {
            var due = x.ExpectedReturn is DateOnly back ? Date(back) + (x.IsOverdue(doc.Today) ? " *" : "") : "";
            var row = new List<string> { x.ProductCode, x.Description, x.AssetNumber ?? "", Qty(x.QuantityOut), Qty(x.QuantityReturned), Date(x.DateOut), due };
            if (doc.ShowRates)
            {
                row.Add((Currencies.Format(x.Rate, doc.Currency, culture) + " " + ContractText.Period(x.RatePeriod, l)).Trim());
            }

            return (IReadOnlyList<string>)row;
        }));
        pdf.Gap(10);
        var onRent = doc.Items.Sum(i => i.OnRent);
        pdf.EnsureSpace(60);
        pdf.Text(l["Still on rent: {0}", Qty(onRent)], pdf.Bold, pdf.Left, pdf.Width);
        pdf.Gap(pdf.LineHeight(pdf.Bold) + 4);
        if (doc.Items.Any(i => i.IsOverdue(doc.Today)))
        {
            pdf.Paragraph(l["* Past its expected return date: call it off or extend the rental with your branch."], pdf.Small, pdf.Left, pdf.Width, pdf.SoftBrush);
        }

        pdf.Paragraph(l["Rental charges run until the equipment is returned or picked up. Call equipment off rent in the customer portal or by calling your branch."], pdf.Small, pdf.Left, pdf.Width, pdf.SoftBrush);
        return pdf.ToArray();
    }
}
