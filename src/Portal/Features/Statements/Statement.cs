using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Payments;

namespace Portal.Features.Statements;

public enum StatementLineKind
{
    Invoice,
    CreditMemo,
    Payment,
}

/// <summary>One document on a statement, with the balance after it.</summary>
public sealed record StatementLine(
    DateOnly Date, StatementLineKind Kind, string Number, string? Reference, DateOnly? DueDate, decimal Charge, decimal Credit, decimal Balance);

/// <summary>An invoice that was (at least partly) unpaid on the closing date, and how late it was then.</summary>
public sealed record StatementOpenItem(string Number, DateOnly IssueDate, DateOnly DueDate, string? PurchaseOrder, decimal Total, decimal Open, int DaysPastDue);

/// <summary>What was open on the closing date, by days past due.</summary>
public sealed record StatementAging(decimal Current, decimal Days1To30, decimal Days31To60, decimal Days61To90, decimal Over90)
{
    public static readonly StatementAging Zero = new(0m, 0m, 0m, 0m, 0m);

    public decimal Total => Current + Days1To30 + Days31To60 + Days61To90 + Over90;

    /// <summary>Due on the closing date is current; one day late is 1-30; 91 days is over 90.</summary>
    public StatementAging Add(int daysPastDue, decimal amount) => daysPastDue switch
    {
        <= 0 => this with { Current = Current + amount },
        <= 30 => this with { Days1To30 = Days1To30 + amount },
        <= 60 => this with { Days31To60 = Days31To60 + amount },
        <= 90 => this with { Days61To90 = Days61To90 + amount },
        _ => this with { Over90 = Over90 + amount },
    };

    public StatementAging Plus(StatementAging o) =>
        new(Current + o.Current, Days1To30 + o.Days1To30, Days31To60 + o.Days31To60, Days61To90 + o.Days61To90, Over90 + o.Over90);
}

/// <summary>One account's part of a statement (a parent's statement has one per child billed to it).</summary>
public sealed record StatementSection(
    long AccountId,
    string AccountNumber,
    string AccountName,
    decimal Opening,
    IReadOnlyList<StatementLine> Lines,
    decimal Closing,
    StatementAging Aging,
    IReadOnlyList<StatementOpenItem> OpenItems,
    decimal Unapplied);

/// <summary>
/// A statement of account: from <see cref="From"/> to <see cref="To"/> (local dates of the operator),
/// or, when <see cref="AsOf"/>, the position at the end of <see cref="To"/> alone.
/// </summary>
public sealed record Statement(string Currency, DateOnly From, DateOnly To, bool AsOf, IReadOnlyList<StatementSection> Sections)
{
    public decimal Opening => Sections.Sum(s => s.Opening);

    public decimal Closing => Sections.Sum(s => s.Closing);

    public StatementAging Aging => Sections.Aggregate(StatementAging.Zero, (a, s) => a.Plus(s.Aging));

    public decimal Unapplied => Sections.Sum(s => s.Unapplied);

    public int LineCount => Sections.Sum(s => s.Lines.Count);
}

public enum StatementRefusal
{
    /// <summary>A child billed to the account uses another currency (the argument is its number).</summary>
    MixedCurrencies,

    /// <summary>The range holds more documents than one statement lists (the argument is the limit).</summary>
    TooManyLines,
}

public abstract record StatementResult
{
    public sealed record Ready(Statement Statement) : StatementResult;

    /// <summary>The statement cannot be made as asked; the page says why and what to do.</summary>
    public sealed record Refused(StatementRefusal Reason, string Argument) : StatementResult;
}

/// <summary>
/// Builds statements from the ledger, never from stored balances and never by reading the whole history:
/// the balance at any date is today's derived balance (the overview's, from the small open-document
/// indexes) less what is dated after that date, read by the (account, date) indexes; what was open on
/// a past date is what is open now plus what payments received and credits applied after that date
/// took off. A payment's allocations count from the day it was received (allocations carry no date
/// of their own); a credit's applications from the later of the credit's date and the day applied.
/// Void documents count nowhere, as on the overview.
/// </summary>
public static class StatementBuilder
{
    /// <summary>A statement lists every document of the range; past this many, a shorter range is asked for.</summary>
    public const int MaxLines = 5000;

    public static async Task<StatementResult> BuildAsync(
        PortalDb db, long accountId, DateOnly from, DateOnly to, bool asOf, bool includeChildren, TimeZoneInfo zone, CancellationToken ct)
    {
        var accounts = await db.Accounts.AsNoTracking()
            .Where(a => a.Id == accountId || (includeChildren && a.ParentAccountId == accountId && a.BilledToParent))
            .OrderBy(a => a.Id == accountId ? 0 : 1).ThenBy(a => a.Number)
            .Select(a => new { a.Id, a.Number, a.Name, a.Currency })
            .ToListAsync(ct);
        if (accounts.Count == 0)
        {
            throw new InvalidOperationException($"Account {accountId} does not exist.");
        }

        var currency = accounts[0].Currency;
        if (accounts.FirstOrDefault(a => !string.Equals(a.Currency, currency, StringComparison.Ordinal)) is { } other)
        {
            // Amounts are never added across currencies (ADR 0003): such a child gets a statement of its own.
            return new StatementResult.Refused(StatementRefusal.MixedCurrencies, other.Number);
        }

        var sections = new List<StatementSection>();
        var lineCount = 0;
        foreach (var account in accounts)
        {
            var section = await SectionAsync(db, account.Id, account.Number, account.Name, from, to, asOf, zone, MaxLines - lineCount, ct);
            if (section is null)
            {
                return new StatementResult.Refused(StatementRefusal.TooManyLines, MaxLines.ToString("N0", System.Globalization.CultureInfo.CurrentCulture));
            }

            lineCount += section.Lines.Count;
            sections.Add(section);
        }

        return new StatementResult.Ready(new Statement(currency, from, to, asOf, sections));
    }

    /// <summary>The UTC instant at which a local date begins in the operator's zone (skipping a gap at midnight).</summary>
    public static DateTime StartOfDayUtc(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    private static async Task<StatementSection?> SectionAsync(
        PortalDb db, long accountId, string number, string name, DateOnly from, DateOnly to, bool asOf, TimeZoneInfo zone, int lineBudget, CancellationToken ct)
    {
        var start = StartOfDayUtc(from, zone);
        var end = StartOfDayUtc(to.AddDays(1), zone);

        // Today's balance (the overview's predicates) and what is dated after the closing date, in one round trip.
        var sums = await db.Accounts.AsNoTracking()
            .Where(a => a.Id == accountId)
            .Select(a => new
            {
                Open = db.Invoices.Where(i => i.AccountId == a.Id && i.OpenAmount > 0m && !i.IsVoid).Sum(i => i.OpenAmount),
                Credits = db.CreditMemos.Where(c => c.AccountId == a.Id && c.RemainingAmount > 0m && !c.IsVoid).Sum(c => c.RemainingAmount),
                Payments = db.Payments.Where(p => p.AccountId == a.Id && p.UnappliedAmount > 0m && p.Status == PaymentStatus.Succeeded).Sum(p => p.UnappliedAmount),
                InvoicedAfter = db.Invoices.Where(i => i.AccountId == a.Id && i.IssueDate > to && !i.IsVoid).Sum(i => i.Total),
                CreditedAfter = db.CreditMemos.Where(c => c.AccountId == a.Id && c.Date > to && !c.IsVoid).Sum(c => c.Amount),
                PaidAfter = db.Payments.Where(p => p.AccountId == a.Id && p.ReceivedAt >= end && p.Status == PaymentStatus.Succeeded).Sum(p => p.Amount),
                AppliedAfter = db.CreditMemos.Where(c => c.AccountId == a.Id && !c.IsVoid)
                    .Any(c => db.CreditApplications.Any(x => x.CreditMemoId == c.Id && x.AppliedAt >= end)),
            })
            .SingleAsync(ct);
        var closing = sums.Open - sums.Credits - sums.Payments - sums.InvoicedAfter + sums.CreditedAfter + sums.PaidAfter;

        List<StatementLine> lines = [];
        var opening = closing;
        if (!asOf)
        {
            var rows = await LinesAsync(db, accountId, from, to, start, end, zone, lineBudget + 1, ct);
            if (rows is null)
            {
                return null;
            }

            opening = closing - rows.Sum(r => r.Charge - r.Credit);
            var running = opening;
            foreach (var r in rows)
            {
                running += r.Charge - r.Credit;
                lines.Add(r with { Balance = running });
            }
        }

        // Nothing paid, credited or applied after the closing date (always so for a statement up to today):
        // what was open then is what is open now, and the two queries that look back are not needed.
        var changedSince = sums.PaidAfter != 0m || sums.CreditedAfter != 0m || sums.AppliedAfter;
        var openItems = await OpenItemsAsync(db, accountId, to, end, changedSince, ct);
        var aging = openItems.Aggregate(StatementAging.Zero, (a, i) => a.Add(i.DaysPastDue, i.Open));
        return new StatementSection(accountId, number, name, opening, lines, closing, aging, openItems, aging.Total - closing);
    }

    private static async Task<List<StatementLine>?> LinesAsync(
        PortalDb db, long accountId, DateOnly from, DateOnly to, DateTime start, DateTime end, TimeZoneInfo zone, int take, CancellationToken ct)
    {
        // The three kinds in one round trip (UNION ALL), sorted here: the statement's order mixes dates of two
        // kinds (a payment's local date comes from its UTC instant) and its size is capped anyway.
        var rows = await db.Invoices.AsNoTracking()
            .Where(i => i.AccountId == accountId && i.IssueDate >= from && i.IssueDate <= to && !i.IsVoid)
            .Select(i => new LineRow { Kind = StatementLineKind.Invoice, Date = i.IssueDate, ReceivedAt = null, Number = i.Number, Reference = i.PurchaseOrder, DueDate = i.DueDate, Amount = i.Total })
            .Concat(db.CreditMemos.AsNoTracking()
                .Where(c => c.AccountId == accountId && c.Date >= from && c.Date <= to && !c.IsVoid)
                .Select(c => new LineRow { Kind = StatementLineKind.CreditMemo, Date = c.Date, ReceivedAt = null, Number = c.Number, Reference = c.Reference, DueDate = null, Amount = c.Amount }))
            .Concat(db.Payments.AsNoTracking()
                .Where(p => p.AccountId == accountId && p.ReceivedAt >= start && p.ReceivedAt < end && p.Status == PaymentStatus.Succeeded)
                .Select(p => new LineRow { Kind = StatementLineKind.Payment, Date = null, ReceivedAt = p.ReceivedAt, Number = p.Number, Reference = p.MethodDetail, DueDate = null, Amount = p.Amount }))
            .Take(take).ToListAsync(ct);
        if (rows.Count >= take)
        {
            return null;
        }

        DateOnly LocalDate(DateTime utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone));
        return rows
            .Select(r => r.Kind == StatementLineKind.Invoice
                ? new StatementLine(r.Date!.Value, r.Kind, r.Number, r.Reference, r.DueDate, r.Amount, 0m, 0m)
                : new StatementLine(r.Date ?? LocalDate(r.ReceivedAt!.Value), r.Kind, r.Number, r.Reference, null, 0m, r.Amount, 0m))
            .OrderBy(l => l.Date).ThenBy(l => l.Kind).ThenBy(l => l.Number, StringComparer.Ordinal)
            .ToList();
    }

    private static async Task<List<StatementOpenItem>> OpenItemsAsync(PortalDb db, long accountId, DateOnly to, DateTime end, bool changedSince, CancellationToken ct)
    {
        // Open now and issued by the closing date: the partial open-invoice index.
        var openNow = await db.Invoices.AsNoTracking()
            .Where(i => i.AccountId == accountId && i.OpenAmount > 0m && !i.IsVoid && i.IssueDate <= to)
            .Select(i => new OpenRow(i.Id, i.Number, i.IssueDate, i.DueDate, i.PurchaseOrder, i.Total, i.OpenAmount))
            .ToListAsync(ct);

        if (!changedSince)
        {
            return Aged(openNow, [], to);
        }

        // What was taken off after the closing date: payments received since (the account's payments
        // by date), and credits dated or applied since (the account's credit memos, few).
        var paidLater = await db.Payments.AsNoTracking()
            .Where(p => p.AccountId == accountId && p.ReceivedAt >= end && p.Status == PaymentStatus.Succeeded)
            .SelectMany(p => p.Allocations)
            .GroupBy(a => a.InvoiceId)
            .Select(g => new { InvoiceId = g.Key, Amount = g.Sum(a => a.Amount) })
            .ToListAsync(ct);
        var creditedLater = await db.CreditMemos.AsNoTracking()
            .Where(c => c.AccountId == accountId && !c.IsVoid)
            .Join(db.CreditApplications, c => c.Id, a => a.CreditMemoId, (c, a) => new { c.Date, a.AppliedAt, a.InvoiceId, a.Amount })
            .Where(x => x.Date > to || x.AppliedAt >= end)
            .GroupBy(x => x.InvoiceId)
            .Select(g => new { InvoiceId = g.Key, Amount = g.Sum(x => x.Amount) })
            .ToListAsync(ct);

        var later = new Dictionary<long, decimal>();
        foreach (var x in paidLater.Concat(creditedLater))
        {
            later[x.InvoiceId] = later.GetValueOrDefault(x.InvoiceId) + x.Amount;
        }

        var known = openNow.Select(i => i.Id).ToHashSet();
        var missing = later.Keys.Where(id => !known.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            openNow.AddRange(await db.Invoices.AsNoTracking()
                .Where(i => missing.Contains(i.Id) && i.AccountId == accountId && !i.IsVoid && i.IssueDate <= to)
                .Select(i => new OpenRow(i.Id, i.Number, i.IssueDate, i.DueDate, i.PurchaseOrder, i.Total, i.OpenAmount))
                .ToListAsync(ct));
        }

        return Aged(openNow, later, to);
    }

    private static List<StatementOpenItem> Aged(List<OpenRow> openNow, Dictionary<long, decimal> later, DateOnly to) =>
        openNow
            .Select(i => new StatementOpenItem(i.Number, i.IssueDate, i.DueDate, i.PurchaseOrder, i.Total,
                i.Open + later.GetValueOrDefault(i.Id), to.DayNumber - i.DueDate.DayNumber))
            .Where(i => i.Open > 0m)
            .OrderBy(i => i.DueDate).ThenBy(i => i.Number, StringComparer.Ordinal)
            .ToList();

    /// <summary>A statement line as read (set by member initialisation: EF translates a UNION of those, not of constructor calls).</summary>
    private sealed class LineRow
    {
        public StatementLineKind Kind { get; init; }

        public DateOnly? Date { get; init; }

        public DateTime? ReceivedAt { get; init; }

        public string Number { get; init; } = "";

        public string? Reference { get; init; }

        public DateOnly? DueDate { get; init; }

        public decimal Amount { get; init; }
    }

    private sealed record OpenRow(long Id, string Number, DateOnly IssueDate, DateOnly DueDate, string? PurchaseOrder, decimal Total, decimal Open);
}
