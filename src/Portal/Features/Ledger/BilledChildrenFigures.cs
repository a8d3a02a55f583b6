using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Payments;

namespace Portal.Features.Ledger;

/// <summary>The figures of one account billed to its parent, as the parent's overview lists them.</summary>
public sealed record ChildFigures(
    long Id,
    string Number,
    string Name,
    string Currency,
    decimal Balance,
    decimal AmountDueNow,
    decimal Unapplied,
    int OpenInvoiceCount,
    int OverdueInvoiceCount);

/// <summary>
/// A parent account's own figures with those of the accounts billed to it (ADR 0005: derived at read
/// time from the same small partial indexes as <see cref="AccountFigures"/>, never from the history).
/// Only children whose ParentAccountId is this account and that are billed to it count; a child in
/// another currency is listed but never added (money is not summed across currencies).
/// </summary>
public sealed record ParentFigures(AccountFigures Own, IReadOnlyList<ChildFigures> Children)
{
    /// <summary>The children added into the totals: billed to this parent, in its currency.</summary>
    public IEnumerable<ChildFigures> Added => Children.Where(c => c.Currency == Own.Currency);

    public decimal Balance => Own.Balance + Added.Sum(c => c.Balance);

    public decimal AmountDueNow => Own.AmountDueNow + Added.Sum(c => c.AmountDueNow);

    public decimal Unapplied => Own.UnappliedCredits + Own.UnappliedPayments + Added.Sum(c => c.Unapplied);

    public int OpenInvoiceCount => Own.OpenInvoiceCount + Added.Sum(c => c.OpenInvoiceCount);

    public int OverdueInvoiceCount => Own.OverdueInvoiceCount + Added.Sum(c => c.OverdueInvoiceCount);

    /// <summary>
    /// One round trip: the children by the (ParentAccountId) index, each child's figures by correlated
    /// subqueries over IX_Invoices_Open, IX_CreditMemos_Remaining and IX_Payments_Unapplied.
    /// </summary>
    private static readonly Func<PortalDb, long, DateOnly, IAsyncEnumerable<ChildRow>> Query =
        EF.CompileAsyncQuery((PortalDb db, long parentId, DateOnly today) =>
            db.Accounts.AsNoTracking()
                .Where(c => c.ParentAccountId == parentId && c.BilledToParent)
                .OrderBy(c => c.Number)
                .Select(c => new ChildRow
                {
                    Id = c.Id,
                    Number = c.Number,
                    Name = c.Name,
                    Currency = c.Currency,
                    Open = db.Invoices.Where(i => i.AccountId == c.Id && i.OpenAmount > 0m && !i.IsVoid).Sum(i => i.OpenAmount),
                    OpenCount = db.Invoices.Count(i => i.AccountId == c.Id && i.OpenAmount > 0m && !i.IsVoid),
                    Due = db.Invoices.Where(i => i.AccountId == c.Id && i.OpenAmount > 0m && !i.IsVoid && i.DueDate <= today).Sum(i => i.OpenAmount),
                    OverdueCount = db.Invoices.Count(i => i.AccountId == c.Id && i.OpenAmount > 0m && !i.IsVoid && i.DueDate < today),
                    Credits = db.CreditMemos.Where(m => m.AccountId == c.Id && m.RemainingAmount > 0m && !m.IsVoid).Sum(m => m.RemainingAmount),
                    Payments = db.Payments.Where(p => p.AccountId == c.Id && p.UnappliedAmount > 0m && p.Status == PaymentStatus.Succeeded).Sum(p => p.UnappliedAmount),
                }));

    public static async Task<ParentFigures> LoadAsync(PortalDb db, AccountFigures own, long parentId, DateOnly today, CancellationToken ct = default)
    {
        var rows = new List<ChildRow>();
        await foreach (var row in Query(db, parentId, today).WithCancellation(ct))
        {
            rows.Add(row);
        }

        // The same arithmetic as AccountFigures, per child: what is due now never goes below zero.
        var children = rows.Select(r => new ChildFigures(
                r.Id,
                r.Number,
                r.Name,
                r.Currency,
                Balance: r.Open - r.Credits - r.Payments,
                AmountDueNow: Math.Max(0m, r.Due - r.Credits - r.Payments),
                Unapplied: r.Credits + r.Payments,
                r.OpenCount,
                r.OverdueCount))
            .ToList();
        return new ParentFigures(own, children);
    }

    private sealed class ChildRow
    {
        public long Id { get; init; }

        public string Number { get; init; } = "";

        public string Name { get; init; } = "";

        public string Currency { get; init; } = "";

        public decimal Open { get; init; }

        public int OpenCount { get; init; }

        public decimal Due { get; init; }

        public int OverdueCount { get; init; }

        public decimal Credits { get; init; }

        public decimal Payments { get; init; }
    }
}
