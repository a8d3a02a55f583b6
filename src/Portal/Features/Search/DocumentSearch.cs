using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Search;

/// <summary>The full-text index as a query EF can compose: filter by account and kind, order, page.</summary>
public static class DocumentSearch
{
    /// <summary>
    /// The index rows that match. The words travel as one parameter, never spliced into the SQL;
    /// <paramref name="query"/> has already quoted them for the engine.
    /// </summary>
    public static IQueryable<SearchDocument> Matching(PortalDb db, SearchQuery query) =>
        db.Database.IsNpgsql()
            ? db.SearchDocuments.FromSqlRaw(
                $"SELECT * FROM \"SearchDocuments\" WHERE \"{SearchIndexSql.TermsColumn}\" @@ to_tsquery('simple', {{0}})", query.ToTsQuery())
            : db.SearchDocuments.FromSqlRaw(
                $"SELECT * FROM \"SearchDocuments\" WHERE \"Id\" IN (SELECT rowid FROM \"{SearchIndexSql.FtsTable}\" WHERE \"{SearchIndexSql.FtsTable}\" MATCH {{0}})", query.ToFts5());

    /// <summary>Up to this many matches, <see cref="FewMatchingIdsAsync"/> lists them all.</summary>
    public const int FewMatches = 200;

    /// <summary>
    /// On SQLite, every index row that matches when there are at most <see cref="FewMatches"/> (an invoice number,
    /// a PO, a rare word), else null (also on PostgreSQL). Why: composed with an account and a kind,
    /// <see cref="Matching"/> lets SQLite's planner walk the account's documents newest first and test each
    /// against the whole list of matches, which reads every document of a large account (20,000 invoices) to
    /// find the one that matches. The first <see cref="FewMatches"/> + 1 rowids of the match cost next to nothing
    /// when the words are rare; when they are common (a word most documents hold) the probe stops at the limit
    /// and the caller keeps the account-first plan, which stops at the page's newest matches.
    /// </summary>
    public static async Task<List<long>?> FewMatchingIdsAsync(PortalDb db, SearchQuery query, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            return null; // PostgreSQL's planner weighs the GIN index against the account's by its statistics
        }

        var ids = await db.Database.SqlQueryRaw<long>(
                $"SELECT rowid AS \"Value\" FROM \"{SearchIndexSql.FtsTable}\" WHERE \"{SearchIndexSql.FtsTable}\" MATCH {{0}} LIMIT {FewMatches + 1}", query.ToFts5())
            .ToListAsync(ct);
        return ids.Count > FewMatches ? null : ids;
    }

    /// <summary>The ids of the documents of one kind that match, for a list page's own query.</summary>
    public static IQueryable<long> MatchingIds(PortalDb db, SearchQuery query, SearchKind kind) =>
        Matching(db, query).Where(s => s.Kind == kind).Select(s => s.DocumentId);
}
