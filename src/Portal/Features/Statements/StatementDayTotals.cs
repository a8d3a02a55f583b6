using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Features.Statements;

/// <summary>
/// How many documents of one kind an account has on one day, and their sum, counting what a statement counts
/// (invoices and credit memos not void, by their date; payments that succeeded, by the UTC day they were
/// received). Kept by database triggers in the transaction that writes the document
/// (<see cref="StatementDayTotalsSql"/>), so that a statement's sums over a range read a row a day instead of
/// every document's index entry (issue 13: a year of the largest account is 6,467 invoices and 3,451 payments,
/// a few hundred rows here).
/// </summary>
/// <remarks>
/// Payments are kept by UTC day, not by the operator's local day, so that a change of the operator's time zone
/// does not invalidate the rows; a statement's range (local midnights) reads the UTC days wholly inside it from
/// here and the hours at its two edges from the payments' own (account, received) index.
/// One row per account, kind and day: a payment's write touches a payment row, an invoice's an invoice row, so
/// the two never lock each other's rows (with <see cref="Invoices.InvoiceTotal"/>'s row they are always taken
/// after a document of their own kind). Rows whose count fell to zero stay, with zero sums. The application only reads it.
/// </remarks>
public sealed class StatementDayTotal
{
    public long AccountId { get; set; }

    public StatementLineKind Kind { get; set; }

    /// <summary>The invoice's or credit memo's date; the UTC date a payment was received.</summary>
    public DateOnly Day { get; set; }

    public long Count { get; set; }

    public decimal Amount { get; set; }
}

internal sealed class StatementDayTotalConfiguration : IEntityTypeConfiguration<StatementDayTotal>
{
    public void Configure(EntityTypeBuilder<StatementDayTotal> b)
    {
        b.ToTable("StatementDayTotals");
        b.HasKey(t => new { t.AccountId, t.Kind, t.Day });
        // The range's sums read this index alone (the key's index would visit the table for the two sums).
        b.HasIndex(t => new { t.AccountId, t.Kind, t.Day, t.Count, t.Amount }).HasDatabaseName("IX_StatementDayTotals_Covering");
    }
}

/// <summary>
/// The triggers that keep <see cref="StatementDayTotal"/> rows, for each provider, and the backfill. On every
/// insert, update of a counted column, or delete of an invoice, credit memo or payment, the old row's contribution
/// (when it counted) is taken off and the new one's (when it counts) added, one upsert per side: whoever writes the
/// document (the API, a payment, the demo data, the bench generator, a raw UPDATE) keeps the totals exact.
/// </summary>
/// <remarks>
/// Version 1 is what migration StatementDayTotals runs, and what the schema drift test adds to a database made from
/// the model. Frozen: a change is a V2 and a new migration, never an edit here.
/// </remarks>
public static class StatementDayTotalsSql
{
    /// <summary>A kind of document: its table, the kind kept, the columns a trigger watches, and what counts.</summary>
    private sealed record Source(string Table, StatementLineKind Kind, string Name, string[] Watched, Func<string, string> Counts, Func<string, bool, string> Day, string Amount);

    private static readonly Source[] Sources =
    [
        new("Invoices", StatementLineKind.Invoice, "invoice", ["AccountId", "IssueDate", "IsVoid", "Total"],
            row => $"NOT {row}.\"IsVoid\"", (row, _) => $"{row}.\"IssueDate\"", "Total"),
        new("CreditMemos", StatementLineKind.CreditMemo, "credit", ["AccountId", "Date", "IsVoid", "Amount"],
            row => $"NOT {row}.\"IsVoid\"", (row, _) => $"{row}.\"Date\"", "Amount"),
        new("Payments", StatementLineKind.Payment, "payment", ["AccountId", "ReceivedAt", "Status", "Amount"],
            row => $"{row}.\"Status\" = {(int)Payments.PaymentStatus.Succeeded}",
            // SQLite stores a timestamp as 'yyyy-MM-dd HH:mm:ss...' in UTC; PostgreSQL as timestamptz.
            (row, postgres) => postgres ? $"({row}.\"ReceivedAt\" AT TIME ZONE 'UTC')::date" : $"substr({row}.\"ReceivedAt\", 1, 10)",
            "Amount"),
    ];

    /// <summary>The PostgreSQL triggers by table (the bench generator turns them off for its bulk load).</summary>
    public static IEnumerable<(string Table, string Trigger)> PostgresTriggers() =>
        Sources.Select(s => (s.Table, TriggerName(s, postgres: true)));

    private static string Upsert(Source s, string row, bool postgres, int sign)
    {
        var target = postgres ? "\"StatementDayTotals\"." : "";
        var one = sign < 0 ? "-1" : "1";
        var amount = sign < 0 ? $"-{row}.\"{s.Amount}\"" : $"{row}.\"{s.Amount}\"";
        return $"""
            INSERT INTO "StatementDayTotals" ("AccountId", "Kind", "Day", "Count", "Amount")
            SELECT {row}."AccountId", {(int)s.Kind}, {s.Day(row, postgres)}, {one}, {amount} WHERE {s.Counts(row)}
            ON CONFLICT ("AccountId", "Kind", "Day") DO UPDATE SET
            "Count" = {target}"Count" + excluded."Count", "Amount" = {target}"Amount" + excluded."Amount"
            """;
    }

    /// <summary>The statements of version 1, in order: triggers, then the backfill.</summary>
    public static IReadOnlyList<string> V1(bool postgres) =>
    [
        .. Sources.SelectMany(s => Data.KeptTotalsTriggers.Create(postgres, s.Table, TriggerName(s, postgres), s.Watched, (row, sign) => Upsert(s, row, postgres, sign))),
        .. Rebuild(postgres),
    ];

    /// <summary>Undoes <see cref="V1"/> (the table itself is dropped by the migration).</summary>
    public static IReadOnlyList<string> DropV1(bool postgres) =>
        [.. Sources.SelectMany(s => Data.KeptTotalsTriggers.Drop(postgres, s.Table, TriggerName(s, postgres)))];

    private static string TriggerName(Source s, bool postgres) => postgres ? $"statement_day_totals_{s.Name}" : $"StatementDayTotals_{s.Table}";

    /// <summary>
    /// Every row computed again from the documents in one set-based pass per kind (the migration's backfill, and the
    /// bench generator's after a bulk load with the triggers off).
    /// </summary>
    public static IReadOnlyList<string> Rebuild(bool postgres) =>
    [
        "DELETE FROM \"StatementDayTotals\"",
        .. Sources.Select(s => $"""
            INSERT INTO "StatementDayTotals" ("AccountId", "Kind", "Day", "Count", "Amount")
            SELECT d."AccountId", {(int)s.Kind}, {s.Day("d", postgres)}, count(*), sum(d."{s.Amount}")
            FROM "{s.Table}" d WHERE {s.Counts("d")}
            GROUP BY d."AccountId", {s.Day("d", postgres)}
            """),
    ];
}
