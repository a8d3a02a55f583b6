using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Credits;
using Portal.Features.Invoices;
using Portal.Features.Payments;
using Portal.Features.Statements;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Statements;

/// <summary>
/// The statement's day totals the database keeps (StatementDayTotalsSql's triggers) always equal an aggregate over
/// the invoices, credit memos and payments, whatever writes them: inserts, voids and un-voids, a payment failing or
/// refunded, an amount, a date or an instant changed (across UTC midnight), a document removed, and set-based
/// updates that bypass EF. What the statement reads of them is checked against the slow recomputation by
/// <see cref="StatementReconciliationTests"/>.
/// </summary>
public sealed class StatementDayTotalsTests(PortalFactory portal)
{
    private static readonly DateOnly Base = new(2025, 3, 1);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Kept_day_totals_equal_the_aggregate_after_any_sequence_of_ledger_writes(int seed)
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var random = new Random(seed);
        await portal.WithDbAsync(async db =>
        {
            // Rolled back at the end: the random documents break the ledger's invariants that other tests check.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var invoices = new List<Invoice>();
            var credits = new List<CreditMemo>();
            var payments = new List<Payment>();
            var n = 0;
            DateOnly Day() => Base.AddDays(random.Next(0, 12));
            for (var step = 0; step < 200; step++)
            {
                switch (random.Next(12))
                {
                    case 0 or 1:
                        var total = random.Next(1, 100_000) / 100m;
                        var invoice = InvoiceTestData.NewInvoice(account, ++n, Day(), total, total, isVoid: random.Next(8) == 0);
                        db.Invoices.Add(invoice);
                        invoices.Add(invoice);
                        break;
                    case 2:
                        var amount = random.Next(1, 50_000) / 100m;
                        var credit = new CreditMemo
                        {
                            AccountId = account.Id,
                            ExternalId = $"X-{account.Prefix}DC{++n}",
                            Number = $"{account.Prefix}DC{n}",
                            Date = Day(),
                            Currency = "USD",
                            Amount = amount,
                            RemainingAmount = amount,
                            IsVoid = random.Next(8) == 0,
                            CreatedAt = DateTime.UtcNow,
                            UpdatedAt = DateTime.UtcNow,
                        };
                        db.CreditMemos.Add(credit);
                        credits.Add(credit);
                        break;
                    case 3 or 4:
                        var paid = random.Next(1, 80_000) / 100m;
                        var payment = new Payment
                        {
                            AccountId = account.Id,
                            Number = $"{account.Prefix}DP{++n}",
                            // Around UTC midnight as often as not: the day a payment is kept under is its UTC date.
                            ReceivedAt = Day().ToDateTime(new TimeOnly(random.Next(2) == 0 ? 23 : 0, random.Next(60), 59), DateTimeKind.Utc),
                            Method = PaymentMethodKind.Check,
                            Currency = "USD",
                            Amount = paid,
                            UnappliedAmount = paid,
                            Status = (PaymentStatus)random.Next(4),
                            CreatedAt = DateTime.UtcNow,
                        };
                        db.Payments.Add(payment);
                        payments.Add(payment);
                        break;
                    case 5 when invoices.Count > 0:
                        var i = invoices[random.Next(invoices.Count)];
                        (i.IsVoid, i.Total, i.OpenAmount) = random.Next(3) switch
                        {
                            0 => (!i.IsVoid, i.Total, i.OpenAmount),
                            1 => (i.IsVoid, i.Total + 1m, i.OpenAmount + 1m),
                            _ => (i.IsVoid, i.Total, 0m), // paid: not a change the day totals see
                        };
                        i.IssueDate = random.Next(4) == 0 ? Day() : i.IssueDate;
                        break;
                    case 6 when credits.Count > 0:
                        var c = credits[random.Next(credits.Count)];
                        c.IsVoid = random.Next(2) == 0 ? !c.IsVoid : c.IsVoid;
                        c.Date = random.Next(2) == 0 ? Day() : c.Date;
                        (c.Amount, c.RemainingAmount) = (c.Amount + 2m, c.RemainingAmount + 2m);
                        break;
                    case 7 when payments.Count > 0:
                        var p = payments[random.Next(payments.Count)];
                        p.Status = (PaymentStatus)random.Next(4);
                        p.ReceivedAt = random.Next(2) == 0 ? p.ReceivedAt.AddHours(random.Next(-30, 30)) : p.ReceivedAt;
                        break;
                    case 8 when invoices.Count > 0:
                        var removed = invoices[random.Next(invoices.Count)];
                        db.Invoices.Remove(removed);
                        invoices.Remove(removed);
                        break;
                    case 9 when payments.Count > 0:
                        var gone = payments[random.Next(payments.Count)];
                        db.Payments.Remove(gone);
                        payments.Remove(gone);
                        break;
                    case 10:
                        // Set-based writes, as a billing import or an operator's script would make: the triggers fire per row.
                        await db.SaveChangesAsync(ct);
                        await db.Payments.Where(x => x.AccountId == account.Id && x.Status == PaymentStatus.Pending)
                            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, PaymentStatus.Succeeded), ct);
                        await db.CreditMemos.Where(x => x.AccountId == account.Id && x.IsVoid)
                            .ExecuteDeleteAsync(ct);
                        db.ChangeTracker.Clear();
                        invoices = await db.Invoices.Where(x => x.AccountId == account.Id).ToListAsync(ct);
                        credits = await db.CreditMemos.Where(x => x.AccountId == account.Id).ToListAsync(ct);
                        payments = await db.Payments.Where(x => x.AccountId == account.Id).ToListAsync(ct);
                        break;
                    default:
                        break;
                }

                await db.SaveChangesAsync(ct);
                if (step % 20 == 19)
                {
                    await AssertKeptEqualsAggregateAsync(db, account.Id, ct);
                }
            }

            await AssertKeptEqualsAggregateAsync(db, account.Id, ct);
            await transaction.RollbackAsync(ct);
        });
    }

    private static async Task AssertKeptEqualsAggregateAsync(PortalDb db, long accountId, CancellationToken ct)
    {
        var invoices = await db.Invoices.AsNoTracking().Where(i => i.AccountId == accountId && !i.IsVoid)
            .Select(i => new { Day = i.IssueDate, Amount = i.Total }).ToListAsync(ct);
        var credits = await db.CreditMemos.AsNoTracking().Where(c => c.AccountId == accountId && !c.IsVoid)
            .Select(c => new { Day = c.Date, c.Amount }).ToListAsync(ct);
        var payments = await db.Payments.AsNoTracking().Where(p => p.AccountId == accountId && p.Status == PaymentStatus.Succeeded)
            .Select(p => new { p.ReceivedAt, p.Amount }).ToListAsync(ct);
        var expected = invoices.Select(i => (Kind: StatementLineKind.Invoice, i.Day, i.Amount))
            .Concat(credits.Select(c => (Kind: StatementLineKind.CreditMemo, c.Day, c.Amount)))
            .Concat(payments.Select(p => (Kind: StatementLineKind.Payment, Day: DateOnly.FromDateTime(p.ReceivedAt), p.Amount)))
            .GroupBy(x => (x.Kind, x.Day))
            .Select(g => (g.Key.Kind, g.Key.Day, Count: g.LongCount(), Amount: g.Sum(x => x.Amount)))
            .OrderBy(x => x.Kind).ThenBy(x => x.Day)
            .ToList();
        var kept = (await db.StatementDayTotals.AsNoTracking().Where(t => t.AccountId == accountId).ToListAsync(ct))
            .Where(t => t.Count != 0 || t.Amount != 0m)
            .Select(t => (t.Kind, t.Day, t.Count, t.Amount))
            .OrderBy(x => x.Kind).ThenBy(x => x.Day)
            .ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, kept);
    }
}
