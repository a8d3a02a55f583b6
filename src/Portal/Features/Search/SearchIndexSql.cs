using System.Globalization;

namespace Portal.Features.Search;

/// <summary>
/// The SQL that keeps <see cref="SearchDocument"/> rows and the full-text index current, for each
/// provider: triggers on every document and line table (so the index row is written by the very
/// statement that writes the document, in its transaction, whoever writes it: the API, the portal,
/// the demo data, the bench generator, a raw UPDATE), the FTS5 table on SQLite, the tsvector column
/// and its GIN index on PostgreSQL, and a backfill from the rows already there.
/// </summary>
/// <remarks>
/// Version 1 is what migration AddDocumentSearch runs, and what the schema drift test adds to a
/// database made from the model (the model cannot express triggers or FTS5). Frozen: a change to the
/// index is a V2 and a new migration, never an edit here.
/// </remarks>
public static class SearchIndexSql
{
    public const string FtsTable = "SearchFts";

    /// <summary>The tsvector on PostgreSQL: text with weight A, amounts with weight B (see <see cref="SearchQuery"/>).</summary>
    public const string TermsColumn = "Terms";

    private sealed record Source(
        SearchKind Kind,
        string Table,
        string Date,
        string? Reference,
        string? Amount,
        string Body,
        string[] WatchedColumns,
        (string Table, string ForeignKey)? Lines);

    private static Source[] Sources(bool postgres)
    {
        // Line text: product code and description of every line, in line order.
        string Lines(string table, string fk, string code = "\"ProductCode\"") => postgres
            ? $"(SELECT string_agg(coalesce(l.{code}, '') || ' ' || l.\"Description\", ' ' ORDER BY l.\"LineNumber\") FROM \"{table}\" l WHERE l.\"{fk}\" = d.\"Id\")"
            : $"(SELECT group_concat(coalesce(l.{code}, '') || ' ' || l.\"Description\", ' ') FROM (SELECT * FROM \"{table}\" WHERE \"{fk}\" = d.\"Id\" ORDER BY \"LineNumber\") l)";
        string Utc(string column) => postgres ? $"(d.\"{column}\" AT TIME ZONE 'UTC')::date" : $"substr(d.\"{column}\", 1, 10)";
        string Body(params string[] parts) => string.Join(" || ' ' || ", parts.Select(p => $"coalesce({p}, '')"));

        return
        [
            new(SearchKind.Invoice, "Invoices", "d.\"IssueDate\"", "d.\"PurchaseOrder\"", "d.\"Total\"",
                Body("d.\"Memo\"", Lines("InvoiceLines", "InvoiceId")),
                ["AccountId", "Number", "PurchaseOrder", "IssueDate", "Currency", "Total", "Memo"], ("InvoiceLines", "InvoiceId")),
            new(SearchKind.CreditMemo, "CreditMemos", "d.\"Date\"", "d.\"Reference\"", "d.\"Amount\"",
                Body("d.\"Reason\""),
                ["AccountId", "Number", "Reference", "Date", "Currency", "Amount", "Reason"], null),
            new(SearchKind.Payment, "Payments", Utc("ReceivedAt"), null, "d.\"Amount\"",
                Body("d.\"MethodDetail\""),
                ["AccountId", "Number", "ReceivedAt", "Currency", "Amount", "MethodDetail"], null),
            new(SearchKind.Order, "Orders", Utc("OrderedAt"), "d.\"PurchaseOrder\"", "d.\"Total\"",
                Body("d.\"Notes\"", Lines("OrderLines", "OrderId")),
                ["AccountId", "Number", "PurchaseOrder", "OrderedAt", "Currency", "Total", "Notes"], ("OrderLines", "OrderId")),
            new(SearchKind.Quote, "Quotes", $"coalesce(d.\"IssuedOn\", {Utc("RequestedAt")})", null, "d.\"Total\"",
                Body("d.\"RequestText\"", Lines("QuoteLines", "QuoteId")),
                ["AccountId", "Number", "IssuedOn", "RequestedAt", "Currency", "Total", "RequestText"], ("QuoteLines", "QuoteId")),
            new(SearchKind.Contract, "Contracts", "d.\"StartDate\"", "d.\"PurchaseOrder\"", null,
                Body("d.\"JobSite\"", Lines("ContractItems", "ContractId")),
                ["AccountId", "Number", "PurchaseOrder", "StartDate", "JobSite"], ("ContractItems", "ContractId")),
        ];
    }

    /// <summary>The statements of version 1, in order, for SQLite or PostgreSQL.</summary>
    public static IReadOnlyList<string> V1(bool postgres) => postgres ? PostgresV1() : SqliteV1();

    /// <summary>Undoes <see cref="V1"/> (the table itself is dropped by the migration).</summary>
    public static IReadOnlyList<string> DropV1(bool postgres)
    {
        var statements = new List<string>();
        foreach (var s in Sources(postgres))
        {
            if (postgres)
            {
                statements.Add($"DROP TRIGGER IF EXISTS \"search_{s.Table}\" ON \"{s.Table}\"");
                statements.Add($"DROP FUNCTION IF EXISTS \"search_{s.Table}_changed\"()");
                if (s.Lines is { } lines)
                {
                    statements.Add($"DROP TRIGGER IF EXISTS \"search_{lines.Table}\" ON \"{lines.Table}\"");
                    statements.Add($"DROP FUNCTION IF EXISTS \"search_{lines.Table}_changed\"()");
                }

                statements.Add($"DROP FUNCTION IF EXISTS \"search_refresh_{s.Table}\"(bigint)");
            }
            else
            {
                foreach (var table in new[] { s.Table, s.Lines?.Table }.OfType<string>())
                {
                    foreach (var suffix in new[] { "AI", "AU", "AD" })
                    {
                        statements.Add($"DROP TRIGGER IF EXISTS \"Search_{table}_{suffix}\"");
                    }
                }
            }
        }

        if (postgres)
        {
            statements.Add($"DROP INDEX IF EXISTS \"IX_SearchDocuments_{TermsColumn}\"");
            statements.Add($"ALTER TABLE \"SearchDocuments\" DROP COLUMN IF EXISTS \"{TermsColumn}\"");
        }
        else
        {
            foreach (var suffix in new[] { "AI", "AU", "AD" })
            {
                statements.Add($"DROP TRIGGER IF EXISTS \"SearchDocuments_{suffix}\"");
            }

            statements.Add($"DROP TABLE IF EXISTS \"{FtsTable}\"");
        }

        return statements;
    }

    /// <summary>
    /// The backfill alone: rewrites every document's index row from the documents. For a bulk load
    /// that had the PostgreSQL triggers off (bench/), run at its end, before anyone reads.
    /// </summary>
    public static IReadOnlyList<string> Rebuild(bool postgres) => Sources(postgres).Select(s => Upsert(s, postgres, null)).ToList();

    /// <summary>The PostgreSQL search triggers, by table (to switch off for a parallel bulk load).</summary>
    public static IReadOnlyList<(string Table, string Trigger)> PostgresTriggers() =>
        Sources(postgres: true)
            .SelectMany(s => new[] { s.Table, s.Lines?.Table }.OfType<string>())
            .Select(table => (table, $"search_{table}"))
            .ToList();

    private static List<string> SqliteV1()
    {
        var statements = new List<string>
        {
            // External content: the words live once, in SearchDocuments; remove_diacritics 0 tokenises
            // as PostgreSQL's 'simple' configuration does, so both databases find the same documents.
            $"CREATE VIRTUAL TABLE \"{FtsTable}\" USING fts5(\"Text\", \"Money\", content='SearchDocuments', content_rowid='Id', tokenize='unicode61 remove_diacritics 0')",
            $"CREATE TRIGGER \"SearchDocuments_AI\" AFTER INSERT ON \"SearchDocuments\" BEGIN INSERT INTO \"{FtsTable}\"(rowid, \"Text\", \"Money\") VALUES (NEW.\"Id\", NEW.\"Text\", NEW.\"Money\"); END",
            $"CREATE TRIGGER \"SearchDocuments_AD\" AFTER DELETE ON \"SearchDocuments\" BEGIN INSERT INTO \"{FtsTable}\"(\"{FtsTable}\", rowid, \"Text\", \"Money\") VALUES ('delete', OLD.\"Id\", OLD.\"Text\", OLD.\"Money\"); END",
            $"CREATE TRIGGER \"SearchDocuments_AU\" AFTER UPDATE ON \"SearchDocuments\" BEGIN INSERT INTO \"{FtsTable}\"(\"{FtsTable}\", rowid, \"Text\", \"Money\") VALUES ('delete', OLD.\"Id\", OLD.\"Text\", OLD.\"Money\"); INSERT INTO \"{FtsTable}\"(rowid, \"Text\", \"Money\") VALUES (NEW.\"Id\", NEW.\"Text\", NEW.\"Money\"); END",
        };

        foreach (var s in Sources(postgres: false))
        {
            var watched = string.Join(", ", s.WatchedColumns.Select(c => $"\"{c}\""));
            statements.Add($"CREATE TRIGGER \"Search_{s.Table}_AI\" AFTER INSERT ON \"{s.Table}\" BEGIN {Upsert(s, false, "NEW.\"Id\"")}; END");
            statements.Add($"CREATE TRIGGER \"Search_{s.Table}_AU\" AFTER UPDATE OF {watched} ON \"{s.Table}\" BEGIN {Upsert(s, false, "NEW.\"Id\"")}; END");
            statements.Add($"CREATE TRIGGER \"Search_{s.Table}_AD\" AFTER DELETE ON \"{s.Table}\" BEGIN DELETE FROM \"SearchDocuments\" WHERE \"Kind\" = {(int)s.Kind} AND \"DocumentId\" = OLD.\"Id\"; END");
            if (s.Lines is { } lines)
            {
                statements.Add($"CREATE TRIGGER \"Search_{lines.Table}_AI\" AFTER INSERT ON \"{lines.Table}\" BEGIN {Upsert(s, false, $"NEW.\"{lines.ForeignKey}\"")}; END");
                statements.Add($"CREATE TRIGGER \"Search_{lines.Table}_AU\" AFTER UPDATE OF \"{lines.ForeignKey}\", \"ProductCode\", \"Description\" ON \"{lines.Table}\" BEGIN {Upsert(s, false, $"OLD.\"{lines.ForeignKey}\"")}; {Upsert(s, false, $"NEW.\"{lines.ForeignKey}\"")}; END");
                statements.Add($"CREATE TRIGGER \"Search_{lines.Table}_AD\" AFTER DELETE ON \"{lines.Table}\" BEGIN {Upsert(s, false, $"OLD.\"{lines.ForeignKey}\"")}; END");
            }

            statements.Add(Upsert(s, false, null));
        }

        return statements;
    }

    private static List<string> PostgresV1()
    {
        var statements = new List<string>
        {
            // Regular expression first: PostgreSQL's parser keeps "INV-00042" or "2026-11-30" whole, or
            // as signed numbers; FTS5 splits them at every separator. Splitting both the same way makes
            // the two databases agree on what a word is.
            $"""
            ALTER TABLE "SearchDocuments" ADD "{TermsColumn}" tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('simple'::regconfig, regexp_replace("Text", '[^[:alnum:]]+', ' ', 'g')), 'A')
                || setweight(to_tsvector('simple'::regconfig, "Money"), 'B')) STORED
            """,
            $"CREATE INDEX \"IX_SearchDocuments_{TermsColumn}\" ON \"SearchDocuments\" USING gin (\"{TermsColumn}\")",
        };

        foreach (var s in Sources(postgres: true))
        {
            var watched = string.Join(", ", s.WatchedColumns.Select(c => $"\"{c}\""));
            statements.Add($"CREATE FUNCTION \"search_refresh_{s.Table}\"(doc_id bigint) RETURNS void LANGUAGE sql AS $$ {Upsert(s, true, "doc_id")} $$");
            statements.Add($"""
                CREATE FUNCTION "search_{s.Table}_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        DELETE FROM "SearchDocuments" WHERE "Kind" = {(int)s.Kind} AND "DocumentId" = OLD."Id";
                    ELSE
                        PERFORM "search_refresh_{s.Table}"(NEW."Id");
                    END IF;
                    RETURN NULL;
                END $$
                """);
            statements.Add($"CREATE TRIGGER \"search_{s.Table}\" AFTER INSERT OR DELETE OR UPDATE OF {watched} ON \"{s.Table}\" FOR EACH ROW EXECUTE FUNCTION \"search_{s.Table}_changed\"()");
            if (s.Lines is { } lines)
            {
                statements.Add($"""
                    CREATE FUNCTION "search_{lines.Table}_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF TG_OP <> 'INSERT' THEN
                            PERFORM "search_refresh_{s.Table}"(OLD."{lines.ForeignKey}");
                        END IF;
                        IF TG_OP <> 'DELETE' THEN
                            PERFORM "search_refresh_{s.Table}"(NEW."{lines.ForeignKey}");
                        END IF;
                        RETURN NULL;
                    END $$
                    """);
                statements.Add($"CREATE TRIGGER \"search_{lines.Table}\" AFTER INSERT OR DELETE OR UPDATE OF \"{lines.ForeignKey}\", \"ProductCode\", \"Description\" ON \"{lines.Table}\" FOR EACH ROW EXECUTE FUNCTION \"search_{lines.Table}_changed\"()");
            }

            statements.Add(Upsert(s, true, null));
        }

        return statements;
    }

    /// <summary>
    /// Writes (or rewrites) the index row of one document (<paramref name="id"/>), or of every
    /// document of the kind when null (the backfill). A document that is gone writes nothing.
    /// </summary>
    private static string Upsert(Source s, bool postgres, string? id)
    {
        var dateText = postgres ? $"to_char(d.search_date, 'YYYY-MM-DD')" : "d.search_date";
        var reference = s.Reference ?? "NULL";
        var currency = s.Amount is null ? "NULL" : "d.\"Currency\"";
        var amount = s.Amount ?? "NULL";
        var text = string.Join(" || ' ' || ",
            "d.\"Number\"",
            Compact("d.\"Number\""),
            Compact(AfterFirstDash("d.\"Number\"", postgres)),
            $"coalesce({reference} || ' ' || {Compact(reference)} || ' ' || {Compact(AfterFirstDash(reference, postgres))}, '')",
            dateText,
            $"replace({dateText}, '-', '')",
            "d.search_body");
        var where = id is null ? "WHERE true" : $"WHERE d.\"Id\" = {id}";
        return $"""
            INSERT INTO "SearchDocuments" ("Kind", "DocumentId", "AccountId", "Date", "Number", "Reference", "Currency", "Amount", "Body", "Text", "Money")
            SELECT {(int)s.Kind}, d."Id", d."AccountId", d.search_date, d."Number", {reference}, {currency}, {amount}, d.search_body, {text}, {Money(amount, currency, postgres)}
            FROM (SELECT d.*, {s.Date} AS search_date, trim({s.Body}) AS search_body FROM "{s.Table}" d {where}) d
            WHERE true
            ON CONFLICT ("Kind", "DocumentId") DO UPDATE SET
                "AccountId" = excluded."AccountId", "Date" = excluded."Date", "Number" = excluded."Number",
                "Reference" = excluded."Reference", "Currency" = excluded."Currency", "Amount" = excluded."Amount",
                "Body" = excluded."Body", "Text" = excluded."Text", "Money" = excluded."Money"
            """;
    }

    /// <summary>A number or PO as one word: "INV-2026/00042" is also found as "inv202600042".</summary>
    private static string Compact(string value) => $"replace(replace(replace({value}, '-', ''), '/', ''), ' ', '')";

    /// <summary>The part after the first dash, so "PO-4471-A" is found by "4471-A" too.</summary>
    private static string AfterFirstDash(string value, bool postgres) =>
        postgres ? $"substr({value}, strpos({value}, '-') + 1)" : $"substr({value}, instr({value}, '-') + 1)";

    /// <summary>
    /// The amount as words: the whole units ("1250") and the exact amount with its minor units after a
    /// "c" ("1250c00"), so "1250" finds 1,250.00 and 1,250.50 while "1,250.00" finds only the first,
    /// and 1,250.00 never collides with 125,000. Amounts are stored in ten-thousandths (ADR 0003).
    /// </summary>
    private static string Money(string amount, string currency, bool postgres)
    {
        if (amount == "NULL")
        {
            return "''";
        }

        var units = $"(abs({amount}) / 10000)";
        string Exact(int digits)
        {
            var minor = $"((abs({amount}) / {Pow10(4 - digits)}) % {Pow10(digits)})";
            return postgres
                ? $"format('%s %sc%s', {units}, {units}, lpad({minor}::text, {digits}, '0'))"
                : $"printf('%d %dc%0{digits}d', {units}, {units}, {minor})";
        }

        var wholeOnly = postgres ? $"{units}::text" : $"printf('%d', {units})";
        return $"CASE WHEN {currency} IN ('JPY', 'KRW') THEN {wholeOnly} WHEN {currency} IN ('BHD', 'KWD') THEN {Exact(3)} ELSE {Exact(2)} END";
    }

    private static string Pow10(int n) => ((long)Math.Pow(10, n)).ToString(CultureInfo.InvariantCulture);
}
