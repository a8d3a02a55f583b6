using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Invoices;

/// <summary>One invoice: header, bill-to, lines, totals, what has been applied to it, attachments.</summary>
public sealed class DetailsModel(PortalDb db, OperatorClock clock) : PageModel
{
    public CurrentAccount Account => HttpContext.CurrentAccount();

    public InvoiceDocument Invoice { get; private set; } = null!;

    public InvoiceStatus Status { get; private set; }

    public bool CanPay { get; private set; }

    /// <summary>The number of the invoice's open dispute, if any (the invoice reads "disputed").</summary>
    public string? OpenDispute { get; private set; }

    public bool DisputesOn { get; private set; }

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct)
    {
        var account = Account;
        var invoice = await InvoiceDocument.LoadAsync(db, account.Id, number, ct);
        if (invoice is null)
        {
            return NotFound();
        }

        Invoice = invoice;
        Status = InvoiceStatuses.Of(invoice.IsVoid, invoice.Total, invoice.Open, invoice.DueDate, await clock.TodayAsync(ct));
        var settings = HttpContext.Items[typeof(OperatorSettings)] as OperatorSettings;
        CanPay = account.Can(Permissions.Pay) && account.SeesMoney && !account.BilledToParent && !invoice.IsVoid
            && invoice.Open > 0m && settings?.PaymentsEnabled != false;
        DisputesOn = settings?.IsOn(PortalFeature.Disputes) == true;
        if (DisputesOn)
        {
            OpenDispute = await db.InvoiceDisputes.AsNoTracking().Where(d => d.InvoiceId == invoice.Id && d.Status == Disputes.DisputeStatus.Open).Select(d => d.Number).FirstOrDefaultAsync(ct);
        }

        return Page();
    }
}

/// <summary>Everything an invoice shows, on screen and in its PDF: read in one query shape.</summary>
public sealed record InvoiceDocument(
    long Id,
    string Number,
    DateOnly IssueDate,
    DateOnly DueDate,
    string Currency,
    decimal Subtotal,
    decimal TaxTotal,
    decimal Total,
    decimal Open,
    bool IsVoid,
    string? Branch,
    string? PurchaseOrder,
    string? Memo,
    DateOnly? PeriodStart,
    DateOnly? PeriodEnd,
    InvoiceBillTo BillTo,
    IReadOnlyList<InvoiceDocument.Line> Lines,
    IReadOnlyList<InvoiceDocument.Applied> Payments,
    IReadOnlyList<InvoiceDocument.Applied> Credits,
    IReadOnlyList<InvoiceDocument.Attachment> Attachments)
{
    public decimal PaidSoFar => Payments.Sum(p => p.Amount);

    public decimal CreditedSoFar => Credits.Sum(c => c.Amount);

    /// <summary>The invoice of this number on this account, or null (unknown, or another account's).</summary>
    public static async Task<InvoiceDocument?> LoadAsync(PortalDb db, long accountId, string number, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(number) || number.Length > 50)
        {
            return null;
        }

        return await db.Invoices
            .AsNoTracking()
            .Where(i => i.AccountId == accountId && i.Number == number)
            .Select(i => new InvoiceDocument(
                i.Id, i.Number, i.IssueDate, i.DueDate, i.Currency, i.Subtotal, i.TaxTotal, i.Total, i.OpenAmount, i.IsVoid,
                i.Branch, i.PurchaseOrder, i.Memo, i.PeriodStart, i.PeriodEnd,
                new InvoiceBillTo(i.Account!.Number, i.Account.Name, i.Account.AddressLine1, i.Account.AddressLine2,
                    i.Account.City, i.Account.Region, i.Account.PostalCode, i.Account.Country, i.Account.Phone, i.Account.Email),
                i.Lines.OrderBy(x => x.LineNumber)
                    .Select(x => new Line(x.LineNumber, x.ProductCode, x.Description, x.Quantity, x.Unit, x.UnitPrice, x.Amount, x.TaxAmount))
                    .ToList(),
                db.PaymentAllocations.Where(a => a.InvoiceId == i.Id)
                    .Join(db.Payments, a => a.PaymentId, p => p.Id, (a, p) => new { a, p })
                    .OrderBy(x => x.p.ReceivedAt)
                    .Select(x => new Applied(x.p.Number, x.p.ReceivedAt, x.a.Amount))
                    .ToList(),
                db.CreditApplications.Where(a => a.InvoiceId == i.Id)
                    .Join(db.CreditMemos, a => a.CreditMemoId, c => c.Id, (a, c) => new { a, c })
                    .OrderBy(x => x.a.AppliedAt)
                    .Select(x => new Applied(x.c.Number, x.a.AppliedAt, x.a.Amount))
                    .ToList(),
                db.InvoiceAttachments.Where(a => a.InvoiceId == i.Id).OrderBy(a => a.Id)
                    .Select(a => new Attachment(a.Id, a.FileName, a.ContentType, a.Length))
                    .ToList()))
            .AsSplitQuery()
            .SingleOrDefaultAsync(ct);
    }

    public sealed record Line(int LineNumber, string? ProductCode, string Description, decimal Quantity, string? Unit, decimal UnitPrice, decimal Amount, decimal Tax);

    /// <summary>A payment or credit memo applied to the invoice.</summary>
    public sealed record Applied(string Number, DateTime At, decimal Amount);

    public sealed record Attachment(long Id, string FileName, string ContentType, long Length);
}

public sealed record InvoiceBillTo(
    string AccountNumber, string Name, string? AddressLine1, string? AddressLine2, string? City, string? Region, string? PostalCode, string? Country,
    string? Phone = null, string? Email = null)
{
    /// <summary>The postal address as printed, one line per line, empty lines left out.</summary>
    public IEnumerable<string> AddressLines()
    {
        if (!string.IsNullOrWhiteSpace(AddressLine1))
        {
            yield return AddressLine1;
        }

        if (!string.IsNullOrWhiteSpace(AddressLine2))
        {
            yield return AddressLine2;
        }

        var cityLine = string.Join(" ", new[] { City is null ? null : City + (Region is null ? "" : ","), Region, PostalCode }.Where(s => !string.IsNullOrWhiteSpace(s)));
        if (cityLine.Length > 0)
        {
            yield return cityLine;
        }

        if (!string.IsNullOrWhiteSpace(Country))
        {
            yield return Country;
        }
    }
}
