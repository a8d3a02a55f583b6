using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Payments;

namespace Portal.Features.Ledger;

/// <summary>
/// What an account owes, derived from the ledger at read time, never stored: the open amounts of its
/// invoices less the credit and payments received but not yet applied.
/// </summary>
public sealed record AccountFigures(
    string Currency,
    decimal Balance,
    decimal AmountDueNow,
    decimal OpenInvoicesTotal,
    decimal UnappliedCredits,
    decimal UnappliedPayments,
    int OpenInvoiceCount,
    int OverdueInvoiceCount,
    decimal? LastPaymentAmount,
    DateTime? LastPaymentAt)
{
    /// <summary>Something can be paid now: an open invoice and a net balance above zero.</summary>
    public bool HasPayable => OpenInvoiceCount > 0 && Balance > 0m;

    /// <summary>
    /// One round trip, every figure from a small partial index (IX_Invoices_Open, IX_CreditMemos_Remaining,
    /// IX_Payments_Unapplied, each covering what it is asked) or the newest row of the payments index: no
    /// scan of paid history. Compiled once: the overview runs it on every view, and an uncompiled query
    /// this size cost more CPU in EF's expression handling than in the database (issue 16).
    /// </summary>
    private static readonly Func<PortalDb, long, DateOnly, CancellationToken, Task<Row>> Query =
        EF.CompileAsyncQuery((PortalDb db, long accountId, DateOnly today, CancellationToken ct) =>
            db.Accounts
                .Where(a => a.Id == accountId)
                .Select(a => new Row
                {
                    Currency = a.Currency,
                    Open = db.Invoices.Where(i => i.AccountId == a.Id && i.OpenAmount > 0m && !i.IsVoid).Sum(i => i.OpenAmount),
                    OpenCount = db.Invoices.Count(i => i.AccountId == a.Id && i.OpenAmount > 0m && !i.IsVoid),
                    Due = db.Invoices.Where(i => i.AccountId == a.Id && i.OpenAmount > 0m && !i.IsVoid && i.DueDate <= today).Sum(i => i.OpenAmount),
                    OverdueCount = db.Invoices.Count(i => i.AccountId == a.Id && i.OpenAmount > 0m && !i.IsVoid && i.DueDate < today),
                    Credits = db.CreditMemos.Where(c => c.AccountId == a.Id && c.RemainingAmount > 0m && !c.IsVoid).Sum(c => c.RemainingAmount),
                    Payments = db.Payments.Where(p => p.AccountId == a.Id && p.UnappliedAmount > 0m && p.Status == PaymentStatus.Succeeded).Sum(p => p.UnappliedAmount),
                    // Two scalar subqueries, each one seek on (AccountId, ReceivedAt, Id). Projected as one
                    // object, EF joins a ROW_NUMBER() window over every payment in the database instead.
                    LastPaymentAmount = db.Payments.Where(p => p.AccountId == a.Id && p.Status == PaymentStatus.Succeeded)
                        .OrderByDescending(p => p.ReceivedAt).ThenByDescending(p => p.Id)
                        .Select(p => (decimal?)p.Amount)
                        .FirstOrDefault(),
                    LastPaymentAt = db.Payments.Where(p => p.AccountId == a.Id && p.Status == PaymentStatus.Succeeded)
                        .OrderByDescending(p => p.ReceivedAt).ThenByDescending(p => p.Id)
                        .Select(p => (DateTime?)p.ReceivedAt)
                        .FirstOrDefault(),
                })
                .AsNoTracking()
                .Single());

    public static async Task<AccountFigures> LoadAsync(PortalDb db, long accountId, DateOnly today, CancellationToken ct = default)
    {
        var row = await Query(db, accountId, today, ct);

        var unapplied = row.Credits + row.Payments;
        return new AccountFigures(
            row.Currency,
            Balance: row.Open - unapplied,
            AmountDueNow: Math.Max(0m, row.Due - unapplied),
            OpenInvoicesTotal: row.Open,
            UnappliedCredits: row.Credits,
            UnappliedPayments: row.Payments,
            OpenInvoiceCount: row.OpenCount,
            OverdueInvoiceCount: row.OverdueCount,
            LastPaymentAmount: row.LastPaymentAmount,
            LastPaymentAt: row.LastPaymentAt);
    }

    private sealed class Row
    {
        public string Currency { get; init; } = "";

        public decimal Open { get; init; }

        public int OpenCount { get; init; }

        public decimal Due { get; init; }

        public int OverdueCount { get; init; }

        public decimal Credits { get; init; }

        public decimal Payments { get; init; }

        public decimal? LastPaymentAmount { get; init; }

        public DateTime? LastPaymentAt { get; init; }
    }
}
