using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Features.Invoices;

/// <summary>
/// The count and sums of one account's invoices in one currency, kept by database triggers in the
/// transaction that writes the invoice (<see cref="InvoiceTotalsSql"/>), so that the invoice list's totals
/// line costs one row read however long the account's history is (issue 16: a 20,000-invoice account's
/// unfiltered list spent 117 ms aggregating its history on every view).
/// </summary>
/// <remarks>
/// Three classes are kept: every invoice ("all", what the unfiltered list counts), the open ones (not void, an
/// open amount above zero: the list's "open" filter) and the void ones. "Paid" is all minus open minus void.
/// One row per account and currency, so every invoice write touches exactly one row: a payment allocating to
/// several invoices of one account locks it once, never two rows in an order another transaction could reverse.
/// The application only reads it.
/// </remarks>
public sealed class InvoiceTotal
{
    public long AccountId { get; set; }

    public required string Currency { get; set; }

    public long AllCount { get; set; }

    public decimal AllTotal { get; set; }

    public decimal AllOpen { get; set; }

    public long OpenCount { get; set; }

    public decimal OpenTotal { get; set; }

    public decimal OpenOpen { get; set; }

    public long VoidCount { get; set; }

    public decimal VoidTotal { get; set; }

    public decimal VoidOpen { get; set; }

    /// <summary>The totals of the invoices in the list's status filter ("all", "open", "paid", "void").</summary>
    public (long Count, decimal Total, decimal Open) For(string status) => status switch
    {
        "open" => (OpenCount, OpenTotal, OpenOpen),
        "void" => (VoidCount, VoidTotal, VoidOpen),
        "paid" => (AllCount - OpenCount - VoidCount, AllTotal - OpenTotal - VoidTotal, AllOpen - OpenOpen - VoidOpen),
        "all" => (AllCount, AllTotal, AllOpen),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Only the statuses a total is kept for."),
    };

    /// <summary>Whether the list's status filter reads kept totals ("overdue" depends on today: it aggregates the open index).</summary>
    public static bool IsKept(string status) => status is "all" or "open" or "paid" or "void";
}

internal sealed class InvoiceTotalConfiguration : IEntityTypeConfiguration<InvoiceTotal>
{
    public void Configure(EntityTypeBuilder<InvoiceTotal> b)
    {
        b.ToTable("InvoiceTotals");
        b.HasKey(t => new { t.AccountId, t.Currency });
        b.Property(t => t.Currency).HasMaxLength(3);
    }
}

/// <summary>
/// The triggers that keep <see cref="InvoiceTotal"/> rows, for each provider, and the backfill from the
/// invoices already there. On every insert, update of a counted column, or delete of an invoice, the old row's
/// contribution is taken off and the new one's added, by one upsert per side: whoever writes the invoice (the
/// API's upsert, a payment, the demo data, the bench generator, a raw UPDATE) keeps the totals exact.
/// </summary>
/// <remarks>
/// Version 1 is what migration InvoiceTotals runs, and what the schema drift test adds to a database made from
/// the model. Frozen: a change is a V2 and a new migration, never an edit here.
/// </remarks>
public static class InvoiceTotalsSql
{
    public const string PostgresTrigger = "invoice_totals";

    private static readonly string[] Columns =
        ["AllCount", "AllTotal", "AllOpen", "OpenCount", "OpenTotal", "OpenOpen", "VoidCount", "VoidTotal", "VoidOpen"];

    private static readonly string[] Watched = ["AccountId", "Currency", "IsVoid", "Total", "OpenAmount"];

    /// <summary>The nine values one invoice row (<paramref name="row"/>: new, old, or a table alias) contributes, negated for a removal.</summary>
    private static string[] Contribution(string row, int sign)
    {
        string Signed(string value) => sign < 0 ? $"-({value})" : value;
        var open = $"NOT {row}.\"IsVoid\" AND {row}.\"OpenAmount\" > 0";
        var isVoid = $"{row}.\"IsVoid\"";
        string When(string condition, string value) => $"CASE WHEN {condition} THEN {value} ELSE 0 END";
        return
        [
            Signed("1"), Signed($"{row}.\"Total\""), Signed($"{row}.\"OpenAmount\""),
            Signed(When(open, "1")), Signed(When(open, $"{row}.\"Total\"")), Signed(When(open, $"{row}.\"OpenAmount\"")),
            Signed(When(isVoid, "1")), Signed(When(isVoid, $"{row}.\"Total\"")), Signed(When(isVoid, $"{row}.\"OpenAmount\"")),
        ];
    }

    private static string Upsert(string row, bool postgres, int sign)
    {
        var values = Contribution(row, sign);
        var target = postgres ? "\"InvoiceTotals\"." : "";
        return $"""
            INSERT INTO "InvoiceTotals" ("AccountId", "Currency", {string.Join(", ", Columns.Select(c => $"\"{c}\""))})
            VALUES ({row}."AccountId", {row}."Currency", {string.Join(", ", values)})
            ON CONFLICT ("AccountId", "Currency") DO UPDATE SET
            {string.Join(", ", Columns.Select(c => $"\"{c}\" = {target}\"{c}\" + excluded.\"{c}\""))}
            """;
    }

    /// <summary>The statements of version 1, in order: triggers, then the backfill.</summary>
    public static IReadOnlyList<string> V1(bool postgres) =>
    [
        .. Data.KeptTotalsTriggers.Create(postgres, "Invoices", TriggerName(postgres), Watched, (row, sign) => Upsert(row, postgres, sign)),
        .. Rebuild(postgres),
    ];

    /// <summary>Undoes <see cref="V1"/> (the table itself is dropped by the migration).</summary>
    public static IReadOnlyList<string> DropV1(bool postgres) => [.. Data.KeptTotalsTriggers.Drop(postgres, "Invoices", TriggerName(postgres))];

    private static string TriggerName(bool postgres) => postgres ? PostgresTrigger : "InvoiceTotals";

    /// <summary>
    /// Every row computed again from the invoices in one set-based pass (the migration's backfill, and the bench
    /// generator's after a bulk load with the trigger off).
    /// </summary>
    public static IReadOnlyList<string> Rebuild(bool postgres)
    {
        var sums = Contribution("i", 1).Select(v => $"sum({v})");
        return
        [
            "DELETE FROM \"InvoiceTotals\"",
            $"""
            INSERT INTO "InvoiceTotals" ("AccountId", "Currency", {string.Join(", ", Columns.Select(c => $"\"{c}\""))})
            SELECT i."AccountId", i."Currency", {string.Join(", ", sums)}
            FROM "Invoices" i GROUP BY i."AccountId", i."Currency"
            """,
        ];
    }
}
