using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Payments;

/// <summary>Payment history, newest first, keyset-paged, with the invoices each payment paid.</summary>
[RequiresPermission(Permissions.SeeMoney)]
public sealed class IndexModel(PortalDb db, IStringLocalizer<SharedResource> l) : KeysetListPage<IndexModel.PaymentRow>
{
    public const int PageSize = 25;
    private const string SortKey = "received.desc";

    public ILookup<long, PaidInvoice> Paid { get; private set; } = Array.Empty<PaidInvoice>().ToLookup(p => p.PaymentId);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var page = await Keyset.ReadAsync(
            db.Payments.AsNoTracking().Where(p => p.AccountId == account.Id), SortKey, p => p.ReceivedAt, p => p.Id, descending: true, After,
            p => new PaymentRow(p.Id, p.Number, p.ReceivedAt, p.Method, p.MethodDetail, p.Currency, p.Amount, p.Status),
            r => (r.ReceivedAt, r.Id), PageSize, ct);
        ShowPage(page, l);

        // The page's allocations in one query, not one per payment.
        var ids = Rows.Select(r => r.Id).ToList();
        if (ids.Count > 0)
        {
            var paid = await db.PaymentAllocations.AsNoTracking()
                .Where(a => ids.Contains(a.PaymentId))
                .OrderBy(a => a.Invoice!.Number)
                .Select(a => new PaidInvoice(a.PaymentId, a.Invoice!.Number, a.Amount))
                .ToListAsync(ct);
            Paid = paid.ToLookup(p => p.PaymentId);
        }

        return Page();
    }

    public string Link(string? after = null) =>
        after is null ? "/payments" : QueryHelpers.AddQueryString("/payments", "after", after);

    public sealed record PaymentRow(
        long Id, string Number, DateTime ReceivedAt, PaymentMethodKind Method, string? MethodDetail, string Currency, decimal Amount, PaymentStatus Status);

    public sealed record PaidInvoice(long PaymentId, string InvoiceNumber, decimal Amount);
}
