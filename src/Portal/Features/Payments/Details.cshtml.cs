using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Payments;

/// <summary>The receipt of one payment: what was paid, how, and which invoices it settled.</summary>
[RequiresPermission(Permissions.SeeMoney)]
public sealed class DetailsModel(PortalDb db) : PageModel
{
    public Receipt Payment { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct)
    {
        var receipt = await LoadAsync(db, HttpContext.CurrentAccount().Id, number, ct);
        if (receipt is null)
        {
            return NotFound();
        }

        Payment = receipt;
        return Page();
    }

    /// <summary>The payment of this number on this account with what it paid, or null (unknown, or another account's).</summary>
    public static async Task<Receipt?> LoadAsync(PortalDb db, long accountId, string number, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(number) || number.Length > 50)
        {
            return null;
        }

        return await db.Payments.AsNoTracking()
            .Where(p => p.AccountId == accountId && p.Number == number)
            .Select(p => new Receipt(
                p.Number, p.ReceivedAt, p.Method, p.MethodDetail, p.Currency, p.Amount, p.UnappliedAmount, p.Status, p.FailureReason,
                p.Allocations.OrderBy(a => a.Invoice!.IssueDate).ThenBy(a => a.Invoice!.Number)
                    .Select(a => new Receipt.Allocation(a.Invoice!.Number, a.Invoice.IssueDate, a.Invoice.Total, a.Amount))
                    .ToList()))
            .SingleOrDefaultAsync(ct);
    }

    public sealed record Receipt(
        string Number, DateTime ReceivedAt, PaymentMethodKind Method, string? MethodDetail, string Currency, decimal Amount,
        decimal Unapplied, PaymentStatus Status, string? FailureReason, IReadOnlyList<Receipt.Allocation> Allocations)
    {
        public sealed record Allocation(string InvoiceNumber, DateOnly IssueDate, decimal InvoiceTotal, decimal Amount);
    }
}
