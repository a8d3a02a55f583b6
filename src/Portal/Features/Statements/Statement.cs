using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Payments;
using Portal.Infrastructure.Paging;

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

    /// <summary>
    /// The last day past due of each late bucket (1-30, 31-60, 61-90; later is over 90): the one definition
    /// that <see cref="Add"/> and the SQL sums of the statement's aging both use.
    /// </summary>
    public const int FirstBucketEnd = 30;

    public const int SecondBucketEnd = 60;

    public const int ThirdBucketEnd = 90;

    public decimal Total => Current + Days1To30 + Days31To60 + Days61To90 + Over90;

    /// <summary>Due on the closing date is current; one day late is 1-30; 91 days is over 90.</summary>
    public StatementAging Add(int daysPastDue, decimal amount) => daysPastDue switch
    {
        <= 0 => this with { Current = Current + amount },
        <= FirstBucketEnd => this with { Days1To30 = Days1To30 + amount },
        <= SecondBucketEnd => this with { Days31To60 = Days31To60 + amount },
        <= ThirdBucketEnd => this with { Days61To90 = Days61To90 + amount },
        _ => this with { Over90 = Over90 + amount },
    };

    public StatementAging Plus(StatementAging o) =>
        new(Current + o.Current, Days1To30 + o.Days1To30, Days31To60 + o.Days31To60, Days61To90 + o.Days61To90, Over90 + o.Over90);
}

/// <summary>
/// Where a page of the statement on screen starts: its first line, in the statement's order (local date,
/// then invoices, credit memos, payments; within a kind by id, payments by the instant received then id).
/// </summary>
public sealed record StatementKey(long AccountId, DateOnly Date, StatementLineKind Kind, DateTime ReceivedAt, long Id)
{
    private const string Sort = "statement";

    public string Encode() =>
        new KeysetCursor(Sort, string.Create(CultureInfo.InvariantCulture, $"{AccountId}.{Date.DayNumber}.{(int)Kind}.{ReceivedAt.Ticks}"), Id).Encode();

    /// <summary>The key in the token, or null when it is missing or malformed (the first page is shown).</summary>
    public static StatementKey? Decode(string? token)
    {
        if (KeysetCursor.Decode(token, Sort) is not { Backward: false } cursor)
        {
            return null;
        }

        var parts = cursor.Value.Split('.');
        return parts.Length == 4
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var account)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            && day <= DateOnly.MaxValue.DayNumber
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var kind)
            && Enum.IsDefined((StatementLineKind)kind)
            && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTime.MaxValue.Ticks
            ? new StatementKey(account, DateOnly.FromDayNumber(day), (StatementLineKind)kind, new DateTime(ticks, DateTimeKind.Utc), cursor.Id)
            : null;
    }
}

/// <summary>A statement drawn a page of lines at a time (the page on screen): <paramref name="Start"/> null is the first page.</summary>
public sealed record StatementPaging(int PageSize, StatementKey? Start);

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
    decimal Unapplied)
{
    /// <summary>The running balance before the first line shown (the opening balance on the first page).</summary>
    public decimal BroughtForward { get; init; } = Opening;

    /// <summary>Lines of this section are on earlier pages (paged statements only).</summary>
    public bool LinesOnEarlierPages { get; init; }

    /// <summary>Lines of this section are on later pages (paged statements only).</summary>
    public bool LinesOnLaterPages { get; init; }
}

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

    /// <summary>How many lines the whole range holds (all pages).</summary>
    public int TotalLines { get; init; }

    /// <summary>Paged: whether this is the first page, and the key of the next (null on the last).</summary>
    public bool IsFirstPage { get; init; } = true;

    public StatementKey? Next { get; init; }
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
/// Void documents count nowhere, as on the overview. What is dated after the closing date, the range's totals
/// and counts are sums over the day totals the database keeps (<see cref="StatementDayTotal"/>: a row per account,
/// kind and day, not a document), with a payment range's partial UTC days at its edges read from the payments'
/// index; on screen the lines come a page at a time from a key, the page's brought-forward balance being the
/// opening plus the sums of the lines before the key.
/// Within a day the lines are ordered by kind (invoices, credit memos, payments), then as entered
/// (payments by the instant received), which is what the indexes deliver.
/// </summary>
public static class StatementBuilder
{
    /// <summary>
    /// A statement as one document (the PDF, the e-mail) lists every line of the range; past this many, a shorter
    /// range is asked for (a year of the largest bench account is about 10,000). On screen it is paged, with no limit.
    /// </summary>
    public const int MaxLines = 25_000;

    /// <summary>Lines on one page of the statement on screen.</summary>
    public const int PageSize = 100;

    public static async Task<StatementResult> BuildAsync(
        PortalDb db, long accountId, DateOnly from, DateOnly to, bool asOf, bool includeChildren, TimeZoneInfo zone, CancellationToken ct,
        StatementPaging? paging = null)
    {
        var accounts = await db.Accounts.AsNoTracking()
            .Where(a => a.Id == accountId || (includeChildren && a.ParentAccountId == accountId && a.BilledToParent))
            .OrderBy(a => a.Id == accountId ? 0 : 1).ThenBy(a => a.Number)
            .Select(a => new { a.Id, a.Number, a.Name, a.Currency })
            .Prepared()
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

        if (paging?.Start is { } asked && !accounts.Any(a => a.Id == asked.AccountId))
        {
            paging = paging with { Start = null }; // a key of another statement: its first page
        }

        // Paged, the page's lines may run from the key's section into the next ones; the sections before it
        // (and after the page is full) show their figures only.
        var sections = new List<StatementSection>();
        var budget = paging?.PageSize ?? MaxLines;
        var started = paging?.Start is null;
        var totalLines = 0;
        StatementKey? next = null;
        foreach (var account in accounts)
        {
            LineWindow window;
            if (!started && account.Id != paging!.Start!.AccountId)
            {
                window = LineWindow.Earlier;
            }
            else if (!started)
            {
                started = true;
                window = new LineWindow(paging!.Start, budget);
            }
            else
            {
                window = next is null && budget > 0 ? new LineWindow(null, budget) : LineWindow.Later;
            }

            var (section, sectionNext, count) = await SectionAsync(db, account.Id, account.Number, account.Name, from, to, asOf, zone, window, paged: paging is not null, ct);
            if (paging is null && sectionNext is not null)
            {
                return new StatementResult.Refused(StatementRefusal.TooManyLines, MaxLines.ToString("N0", CultureInfo.CurrentCulture));
            }

            next ??= sectionNext;
            budget -= section.Lines.Count;
            totalLines += count;
            sections.Add(section);
        }

        return new StatementResult.Ready(new Statement(currency, from, to, asOf, sections)
        {
            TotalLines = totalLines,
            IsFirstPage = paging?.Start is null,
            Next = next,
        });
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

    /// <summary>Which lines a section lists: from <see cref="Start"/> (null: the first), at most <see cref="Take"/>; or none, being on another page.</summary>
    private sealed record LineWindow(StatementKey? Start, int Take, bool Skip = false, bool OnLaterPage = false)
    {
        public static readonly LineWindow Earlier = new(null, 0, Skip: true);

        public static readonly LineWindow Later = new(null, 0, Skip: true, OnLaterPage: true);
    }

    private static async Task<(StatementSection Section, StatementKey? Next, int Count)> SectionAsync(
        PortalDb db, long accountId, string number, string name, DateOnly from, DateOnly to, bool asOf, TimeZoneInfo zone, LineWindow window, bool paged, CancellationToken ct)
    {
        var start = StartOfDayUtc(from, zone);
        var end = StartOfDayUtc(to.AddDays(1), zone);

        // Today's balance (the overview's predicates; the open invoices from their kept totals, one row per
        // currency), what is dated after the closing date and the range's sums and counts, in one round trip of
        // aggregates over small ranges: the ledger's whole days from the kept day totals.
        var after = KeptLedger.Of(db, accountId, to.AddDays(1), null, end, null);
        var range = asOf ? KeptLedger.None(db) : KeptLedger.Of(db, accountId, from, to, start, end);
        var (afterInvoices, afterCredits, afterPaymentDays, afterPaymentsLow, afterPaymentsHigh) = after;
        var (rangeInvoices, rangeCredits, rangePaymentDays, rangePaymentsLow, rangePaymentsHigh) = range;
        var sums = await db.Accounts.AsNoTracking()
            .Where(a => a.Id == accountId)
            .Select(a => new
            {
                Open = db.InvoiceTotals.Where(t => t.AccountId == a.Id).Sum(t => t.OpenOpen),
                Credits = db.CreditMemos.Where(c => c.AccountId == a.Id && c.RemainingAmount > 0m && !c.IsVoid).Sum(c => c.RemainingAmount),
                Payments = db.Payments.Where(p => p.AccountId == a.Id && p.UnappliedAmount > 0m && p.Status == PaymentStatus.Succeeded).Sum(p => p.UnappliedAmount),
                InvoicedAfter = afterInvoices.Sum(t => t.Amount),
                CreditedAfter = afterCredits.Sum(t => t.Amount),
                PaidAfter = afterPaymentDays.Sum(t => t.Amount) + afterPaymentsLow.Sum(p => p.Amount) + afterPaymentsHigh.Sum(p => p.Amount),
                AppliedAfter = db.CreditMemos.Where(c => c.AccountId == a.Id && !c.IsVoid)
                    .Any(c => db.CreditApplications.Any(x => x.CreditMemoId == c.Id && x.AppliedAt >= end)),
                Invoiced = rangeInvoices.Sum(t => t.Amount),
                Invoices = rangeInvoices.Sum(t => t.Count),
                Credited = rangeCredits.Sum(t => t.Amount),
                CreditCount = rangeCredits.Sum(t => t.Count),
                Paid = rangePaymentDays.Sum(t => t.Amount) + rangePaymentsLow.Sum(p => p.Amount) + rangePaymentsHigh.Sum(p => p.Amount),
                PaymentCount = rangePaymentDays.Sum(t => t.Count) + rangePaymentsLow.Count() + rangePaymentsHigh.Count(),
            })
            .Prepared()
            .SingleAsync(ct);
        var closing = sums.Open - sums.Credits - sums.Payments - sums.InvoicedAfter + sums.CreditedAfter + sums.PaidAfter;

        List<StatementLine> lines = [];
        var opening = closing;
        var broughtForward = closing;
        var count = 0;
        StatementKey? next = null;
        if (!asOf)
        {
            opening = closing - (sums.Invoiced - sums.Credited - sums.Paid);
            count = (int)(sums.Invoices + sums.CreditCount + sums.PaymentCount);
            broughtForward = opening;
            if (!window.Skip)
            {
                if (window.Start is { } key)
                {
                    broughtForward += await BeforeAsync(db, accountId, from, start, key, zone, ct);
                }

                var rows = await LinesAsync(db, accountId, from, to, start, end, zone, window.Start, window.Take + 1, ct);
                if (rows.Count > window.Take)
                {
                    next = rows[window.Take].Key(accountId);
                    rows.RemoveRange(window.Take, rows.Count - window.Take);
                }

                var running = broughtForward;
                foreach (var r in rows)
                {
                    running += r.Line.Charge - r.Line.Credit;
                    lines.Add(r.Line with { Balance = running });
                }
            }
        }

        // Nothing paid, credited or applied after the closing date (always so for a statement up to today):
        // what was open then is what is open now, and the two queries that look back are not needed; on a
        // page, the aging is then five sums over the open-invoice index instead of a read of every open invoice.
        // When something was (a statement up to yesterday, today's payments in), the page adds what was taken
        // off since, by the due date of the invoice it was taken off: the page shows the aging, not the items.
        var changedSince = sums.PaidAfter != 0m || sums.CreditedAfter != 0m || sums.AppliedAfter;
        List<StatementOpenItem> openItems = [];
        StatementAging aging;
        if (paged)
        {
            aging = await AgingNowAsync(db, accountId, to, issuedAfter: sums.InvoicedAfter != 0m, ct);
            if (changedSince)
            {
                aging = aging.Plus(await AgingTakenOffSinceAsync(db, accountId, to, end, ct));
            }
        }
        else
        {
            openItems = await OpenItemsAsync(db, accountId, to, end, changedSince, ct);
            aging = openItems.Aggregate(StatementAging.Zero, (a, i) => a.Add(i.DaysPastDue, i.Open));
        }

        var section = new StatementSection(accountId, number, name, opening, lines, closing, aging, openItems, aging.Total - closing)
        {
            BroughtForward = broughtForward,
            LinesOnEarlierPages = !asOf && count > 0 && (window.Skip ? !window.OnLaterPage : window.Start is not null),
            LinesOnLaterPages = !asOf && count > 0 && (window.Skip ? window.OnLaterPage : next is not null),
        };
        return (section, next, count);
    }

    /// <summary>
    /// What the lines of the range before <paramref name="key"/> add to the opening balance, in one round trip: the
    /// days before the key's from the kept day totals (<see cref="KeptLedger"/>), the key's own day from the documents'
    /// (account, date) indexes.
    /// </summary>
    private static async Task<decimal> BeforeAsync(PortalDb db, long accountId, DateOnly from, DateTime start, StatementKey key, TimeZoneInfo zone, CancellationToken ct)
    {
        var day = key.Date;
        var id = key.Id;
        var received = key.ReceivedAt;
        var dayStart = StartOfDayUtc(day, zone);
        var (keptInvoices, keptCredits, keptPaymentDays, paymentsLow, paymentsHigh) = KeptLedger.Of(db, accountId, from, day.AddDays(-1), start, dayStart);
        var invoices = db.Invoices.Where(i => i.AccountId == accountId && i.IssueDate == day && !i.IsVoid);
        var credits = db.CreditMemos.Where(c => c.AccountId == accountId && c.Date == day && !c.IsVoid);
        var payments = db.Payments.Where(p => p.AccountId == accountId && p.ReceivedAt >= dayStart && p.Status == PaymentStatus.Succeeded);
        // Within the key's day: invoices, then credit memos, then payments (StatementKey's order).
        (invoices, credits, payments) = key.Kind switch
        {
            StatementLineKind.Invoice => (invoices.Where(i => i.Id < id), credits.Where(c => false), payments.Where(p => false)),
            StatementLineKind.CreditMemo => (invoices, credits.Where(c => c.Id < id), payments.Where(p => false)),
            _ => (invoices, credits, payments.Where(p => p.ReceivedAt < received || (p.ReceivedAt == received && p.Id < id))),
        };
        var sums = await db.Accounts.AsNoTracking()
            .Where(a => a.Id == accountId)
            .Select(a => new
            {
                Invoiced = keptInvoices.Sum(t => t.Amount) + invoices.Sum(i => i.Total),
                Credited = keptCredits.Sum(t => t.Amount) + credits.Sum(c => c.Amount),
                Paid = keptPaymentDays.Sum(t => t.Amount) + paymentsLow.Sum(p => p.Amount) + paymentsHigh.Sum(p => p.Amount) + payments.Sum(p => p.Amount),
            })
            .Prepared()
            .SingleAsync(ct);
        return sums.Invoiced - sums.Credited - sums.Paid;
    }

    /// <summary>
    /// The lines from <paramref name="key"/> (inclusive; null: the first), at most <paramref name="take"/>: the first
    /// <paramref name="take"/> of each kind by its own index, merged in the statement's order. A later page's reads
    /// are not marked prepared: their key conditions were not checked for a sound generic plan (ADR 0020).
    /// </summary>
    private static async Task<List<LineRow>> LinesAsync(
        PortalDb db, long accountId, DateOnly from, DateOnly to, DateTime start, DateTime end, TimeZoneInfo zone, StatementKey? key, int take, CancellationToken ct)
    {
        if (key is null)
        {
            return await FirstLinesAsync(db, accountId, from, to, start, end, zone, take, ct);
        }

        var invoices = db.Invoices.AsNoTracking().Where(i => i.AccountId == accountId && i.IssueDate >= from && i.IssueDate <= to && !i.IsVoid);
        var credits = db.CreditMemos.AsNoTracking().Where(c => c.AccountId == accountId && c.Date >= from && c.Date <= to && !c.IsVoid);
        var payments = db.Payments.AsNoTracking().Where(p => p.AccountId == accountId && p.ReceivedAt >= start && p.ReceivedAt < end && p.Status == PaymentStatus.Succeeded);
        var day = key.Date;
        var id = key.Id;
        var received = key.ReceivedAt;
        var dayStart = StartOfDayUtc(day, zone);
        (invoices, credits, payments) = key.Kind switch
        {
            StatementLineKind.Invoice => (
                invoices.Where(i => i.IssueDate > day || (i.IssueDate == day && i.Id >= id)),
                credits.Where(c => c.Date >= day),
                payments.Where(p => p.ReceivedAt >= dayStart)),
            StatementLineKind.CreditMemo => (
                invoices.Where(i => i.IssueDate > day),
                credits.Where(c => c.Date > day || (c.Date == day && c.Id >= id)),
                payments.Where(p => p.ReceivedAt >= dayStart)),
            _ => (
                invoices.Where(i => i.IssueDate > day),
                credits.Where(c => c.Date > day),
                payments.Where(p => p.ReceivedAt > received || (p.ReceivedAt == received && p.Id >= id))),
        };

        var rows = await invoices.OrderBy(i => i.IssueDate).ThenBy(i => i.Id).Take(take)
            .Select(i => new LineRow(StatementLineKind.Invoice, i.Id, i.IssueDate, default, i.Number, i.PurchaseOrder, i.DueDate, i.Total))
            .ToListAsync(ct);
        if (rows.Count == take)
        {
            // A full page of invoices ends on its last invoice's day: a credit memo or payment of that day or later
            // sorts after all of them (invoices come first within a day) and cannot be on this page. On the largest
            // account a page is three or four days, so this reads a few dozen credits and payments instead of a page of each.
            var last = rows[^1].Date;
            var lastStart = StartOfDayUtc(last, zone);
            credits = credits.Where(c => c.Date < last);
            payments = payments.Where(p => p.ReceivedAt < lastStart);
        }

        rows.AddRange(await credits.OrderBy(c => c.Date).ThenBy(c => c.Id).Take(take)
            .Select(c => new LineRow(StatementLineKind.CreditMemo, c.Id, c.Date, default, c.Number, c.Reference, null, c.Amount))
            .ToListAsync(ct));
        var paid = await payments.OrderBy(p => p.ReceivedAt).ThenBy(p => p.Id).Take(take)
            .Select(p => new { p.Id, p.ReceivedAt, p.Number, p.MethodDetail, p.Amount })
            .ToListAsync(ct);
        foreach (var p in paid)
        {
            rows.Add(PaymentLine(p.Id, p.ReceivedAt, p.Number, p.MethodDetail, p.Amount, zone));
        }

        return Merged(rows, take);
    }

    /// <summary>
    /// The first lines of the range (no key): the same three reads as <see cref="LinesAsync"/>, as compiled queries
    /// (no expression tree to walk and look up per request; marked prepared, ADR 0020). A full page of invoices
    /// bounds the credits and payments by its last day, as there; otherwise the bounds are the range's own.
    /// </summary>
    private static async Task<List<LineRow>> FirstLinesAsync(
        PortalDb db, long accountId, DateOnly from, DateOnly to, DateTime start, DateTime end, TimeZoneInfo zone, int take, CancellationToken ct)
    {
        var rows = await FirstInvoices(db, accountId, from, to, take).ToListAsync(ct);
        var creditsBefore = to.AddDays(1);
        var paymentsBefore = end;
        if (rows.Count == take)
        {
            creditsBefore = rows[^1].Date;
            paymentsBefore = StartOfDayUtc(creditsBefore, zone);
        }

        rows.AddRange(await FirstCredits(db, accountId, from, creditsBefore, take).ToListAsync(ct));
        await foreach (var p in FirstPayments(db, accountId, start, paymentsBefore, take).WithCancellation(ct))
        {
            rows.Add(PaymentLine(p.Id, p.ReceivedAt, p.Number, p.MethodDetail, p.Amount, zone));
        }

        return Merged(rows, take);
    }

    private static readonly Func<PortalDb, long, DateOnly, DateOnly, int, IAsyncEnumerable<LineRow>> FirstInvoices =
        EF.CompileAsyncQuery((PortalDb db, long accountId, DateOnly from, DateOnly to, int take) =>
            db.Invoices.AsNoTracking().TagWith(PreparedQueries.Tag)
                .Where(i => i.AccountId == accountId && i.IssueDate >= from && i.IssueDate <= to && !i.IsVoid)
                .OrderBy(i => i.IssueDate).ThenBy(i => i.Id).Take(take)
                .Select(i => new LineRow(StatementLineKind.Invoice, i.Id, i.IssueDate, default, i.Number, i.PurchaseOrder, i.DueDate, i.Total)));

    private static readonly Func<PortalDb, long, DateOnly, DateOnly, int, IAsyncEnumerable<LineRow>> FirstCredits =
        EF.CompileAsyncQuery((PortalDb db, long accountId, DateOnly from, DateOnly before, int take) =>
            db.CreditMemos.AsNoTracking().TagWith(PreparedQueries.Tag)
                .Where(c => c.AccountId == accountId && c.Date >= from && c.Date < before && !c.IsVoid)
                .OrderBy(c => c.Date).ThenBy(c => c.Id).Take(take)
                .Select(c => new LineRow(StatementLineKind.CreditMemo, c.Id, c.Date, default, c.Number, c.Reference, null, c.Amount)));

    private static readonly Func<PortalDb, long, DateTime, DateTime, int, IAsyncEnumerable<PaymentRow>> FirstPayments =
        EF.CompileAsyncQuery((PortalDb db, long accountId, DateTime start, DateTime before, int take) =>
            db.Payments.AsNoTracking().TagWith(PreparedQueries.Tag)
                .Where(p => p.AccountId == accountId && p.ReceivedAt >= start && p.ReceivedAt < before && p.Status == PaymentStatus.Succeeded)
                .OrderBy(p => p.ReceivedAt).ThenBy(p => p.Id).Take(take)
                .Select(p => new PaymentRow(p.Id, p.ReceivedAt, p.Number, p.MethodDetail, p.Amount)));

    /// <summary>A payment as a statement line, dated by the operator's day it was received on.</summary>
    private static LineRow PaymentLine(long id, DateTime receivedAt, string number, string? detail, decimal amount, TimeZoneInfo zone)
    {
        var utc = DateTime.SpecifyKind(receivedAt, DateTimeKind.Utc);
        return new LineRow(StatementLineKind.Payment, id, DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, zone)), utc, number, detail, null, amount);
    }

    /// <summary>The three kinds' lines in the statement's order (date, kind, instant, id), the first <paramref name="take"/>.</summary>
    private static List<LineRow> Merged(List<LineRow> rows, int take)
    {
        rows.Sort(static (a, b) =>
        {
            var c = a.Date.CompareTo(b.Date);
            c = c != 0 ? c : a.Kind.CompareTo(b.Kind);
            c = c != 0 ? c : a.ReceivedAt.CompareTo(b.ReceivedAt);
            return c != 0 ? c : a.Id.CompareTo(b.Id);
        });
        if (rows.Count > take)
        {
            rows.RemoveRange(take, rows.Count - take);
        }

        return rows;
    }

    private sealed record PaymentRow(long Id, DateTime ReceivedAt, string Number, string? MethodDetail, decimal Amount);

    /// <summary>What is open on the closing date when nothing changed since: five sums over the open-invoice index.</summary>
    private static async Task<StatementAging> AgingNowAsync(PortalDb db, long accountId, DateOnly to, bool issuedAfter, CancellationToken ct)
    {
        // Due on or after these days is at most that many days late on the closing date (StatementAging.Add's buckets).
        var d30 = to.AddDays(-StatementAging.FirstBucketEnd);
        var d60 = to.AddDays(-StatementAging.SecondBucketEnd);
        var d90 = to.AddDays(-StatementAging.ThirdBucketEnd);
        // Invoices issued after the closing date are left out by date; when there are none (a statement up to
        // today), the issue date is not asked, so the sums read the open-invoice index alone.
        var open = db.Invoices.Where(i => i.AccountId == accountId && i.OpenAmount > 0m && !i.IsVoid);
        if (issuedAfter)
        {
            open = open.Where(i => i.IssueDate <= to);
        }

        // One pass over the account's open invoices, each amount summed into its bucket (five sums of one scan,
        // not five scans); no row at all when nothing is open.
        var a = await open
            .GroupBy(i => i.AccountId)
            .Select(g => new
            {
                Current = g.Sum(i => i.DueDate >= to ? i.OpenAmount : 0m),
                Days1To30 = g.Sum(i => i.DueDate < to && i.DueDate >= d30 ? i.OpenAmount : 0m),
                Days31To60 = g.Sum(i => i.DueDate < d30 && i.DueDate >= d60 ? i.OpenAmount : 0m),
                Days61To90 = g.Sum(i => i.DueDate < d60 && i.DueDate >= d90 ? i.OpenAmount : 0m),
                Over90 = g.Sum(i => i.DueDate < d90 ? i.OpenAmount : 0m),
            })
            .AsNoTracking()
            .Prepared()
            .FirstOrDefaultAsync(ct);
        return a is null ? StatementAging.Zero : new StatementAging(a.Current, a.Days1To30, a.Days31To60, a.Days61To90, a.Over90);
    }

    /// <summary>
    /// What payments received and credits dated or applied after the closing date took off the invoices issued by
    /// then, by those invoices' days past due on the closing date. Added to <see cref="AgingNowAsync"/> it is the
    /// aging of <see cref="OpenItemsAsync"/> without reading every open invoice: an invoice's open amount on the
    /// closing date is its open amount now plus what was taken off since, and every amount taken off is positive
    /// (the allocations' and applications' check constraints), so summing by bucket is summing the items.
    /// </summary>
    private static async Task<StatementAging> AgingTakenOffSinceAsync(PortalDb db, long accountId, DateOnly to, DateTime end, CancellationToken ct)
    {
        var invoices = db.Invoices.Where(i => i.AccountId == accountId && !i.IsVoid && i.IssueDate <= to);
        var rows = await TakenOffSince(db, accountId, to, end)
            .Join(invoices, t => t.InvoiceId, i => i.Id, (t, i) => new { i.DueDate, t.Amount })
            .AsNoTracking()
            .ToListAsync(ct);
        return rows.Aggregate(StatementAging.Zero, (a, r) => a.Add(to.DayNumber - r.DueDate.DayNumber, r.Amount));
    }

    /// <summary>
    /// Every amount taken off an invoice of the account after the closing date: the allocations of payments
    /// received since (the account's payments by date), and the applications of credits dated or applied since
    /// (the account's credit memos, few). What the aging and the open items of a past closing date add back.
    /// </summary>
    private static IQueryable<TakenOff> TakenOffSince(PortalDb db, long accountId, DateOnly to, DateTime end)
    {
        var paid = db.Payments
            .Where(p => p.AccountId == accountId && p.ReceivedAt >= end && p.Status == PaymentStatus.Succeeded)
            .SelectMany(p => p.Allocations)
            .Select(a => new TakenOff { InvoiceId = a.InvoiceId, Amount = a.Amount });
        // "Dated or applied since" as two disjoint parts, each an index range: a credit dated after the closing date
        // (all its applications), and one dated by then applied since (its applications from the closing instant on).
        // As one join filtered by the OR, PostgreSQL hashed every application of every account (a sequential scan of
        // the table, 9 ms for the largest bench account's year).
        var creditedSince = db.CreditMemos
            .Where(c => c.AccountId == accountId && !c.IsVoid && c.Date > to)
            .Join(db.CreditApplications, c => c.Id, a => a.CreditMemoId, (c, a) => new TakenOff { InvoiceId = a.InvoiceId, Amount = a.Amount });
        var appliedSince = db.CreditMemos
            .Where(c => c.AccountId == accountId && !c.IsVoid && c.Date <= to)
            .Join(db.CreditApplications.Where(a => a.AppliedAt >= end), c => c.Id, a => a.CreditMemoId, (c, a) => new TakenOff { InvoiceId = a.InvoiceId, Amount = a.Amount });
        return paid.Concat(creditedSince).Concat(appliedSince);
    }

    private sealed class TakenOff
    {
        public long InvoiceId { get; init; }

        public decimal Amount { get; init; }
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

        // What was taken off after the closing date, per invoice.
        var later = new Dictionary<long, decimal>();
        foreach (var x in await TakenOffSince(db, accountId, to, end).AsNoTracking().ToListAsync(ct))
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

    /// <summary>
    /// One account's ledger between two points as queries over small ranges, to be summed in one round trip: invoices
    /// and credit memos dated from a first day to a last (inclusive; none: unbounded) from the kept day totals, and
    /// payments received from one instant to before another: the UTC days wholly inside from the kept day totals
    /// (<see cref="PaymentDays"/>), the hours before the first and after the last whole day from the payments' own
    /// (account, received) index (<see cref="PaymentsLow"/>, <see cref="PaymentsHigh"/>). A null end is unbounded.
    /// </summary>
    private sealed record KeptLedger(
        IQueryable<StatementDayTotal> Invoices,
        IQueryable<StatementDayTotal> Credits,
        IQueryable<StatementDayTotal> PaymentDays,
        IQueryable<Payment> PaymentsLow,
        IQueryable<Payment> PaymentsHigh)
    {
        /// <summary>No document at all (an as-of statement has no range; the round trip keeps its shape).</summary>
        public static KeptLedger None(PortalDb db)
        {
            var kept = db.StatementDayTotals.AsNoTracking().Where(t => false);
            var paid = db.Payments.AsNoTracking().Where(p => false);
            return new(kept, kept, kept, paid, paid);
        }

        public static KeptLedger Of(PortalDb db, long accountId, DateOnly firstDay, DateOnly? lastDay, DateTime start, DateTime? end)
        {
            var kept = db.StatementDayTotals.AsNoTracking().Where(t => t.AccountId == accountId);
            var invoices = kept.Where(t => t.Kind == StatementLineKind.Invoice && t.Day >= firstDay);
            var credits = kept.Where(t => t.Kind == StatementLineKind.CreditMemo && t.Day >= firstDay);
            if (lastDay is { } last)
            {
                invoices = invoices.Where(t => t.Day <= last);
                credits = credits.Where(t => t.Day <= last);
            }

            var paid = db.Payments.AsNoTracking().Where(p => p.AccountId == accountId && p.Status == PaymentStatus.Succeeded);
            var startDay = DateOnly.FromDateTime(start);
            var firstWhole = start.TimeOfDay == TimeSpan.Zero ? startDay : startDay.AddDays(1);
            var firstWholeStart = firstWhole.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            var payments = kept.Where(t => t.Kind == StatementLineKind.Payment && t.Day >= firstWhole);
            if (end is not { } stop)
            {
                // To now and beyond: the hours before the first whole day, then every day kept.
                return new(invoices, credits, payments, paid.Where(p => p.ReceivedAt >= start && p.ReceivedAt < firstWholeStart), paid.Where(p => false));
            }

            var endDay = DateOnly.FromDateTime(stop);
            if (endDay <= firstWhole)
            {
                // No whole UTC day inside: the payments' index alone.
                return new(invoices, credits, payments.Where(t => false), paid.Where(p => p.ReceivedAt >= start && p.ReceivedAt < stop), paid.Where(p => false));
            }

            var endDayStart = endDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            return new(
                invoices,
                credits,
                payments.Where(t => t.Day < endDay),
                paid.Where(p => p.ReceivedAt >= start && p.ReceivedAt < firstWholeStart),
                paid.Where(p => p.ReceivedAt >= endDayStart && p.ReceivedAt < stop));
        }
    }

    /// <summary>A statement line as read, with what orders it (a payment's instant, each document's id).</summary>
    private sealed record LineRow(StatementLineKind Kind, long Id, DateOnly Date, DateTime ReceivedAt, string Number, string? Reference, DateOnly? DueDate, decimal Amount)
    {
        public StatementLine Line => Kind == StatementLineKind.Invoice
            ? new StatementLine(Date, Kind, Number, Reference, DueDate, Amount, 0m, 0m)
            : new StatementLine(Date, Kind, Number, Reference, null, 0m, Amount, 0m);

        public StatementKey Key(long accountId) => new(accountId, Date, Kind, ReceivedAt, Id);
    }

    private sealed record OpenRow(long Id, string Number, DateOnly IssueDate, DateOnly DueDate, string? PurchaseOrder, decimal Total, decimal Open);
}
