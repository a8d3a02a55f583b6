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

    /// <summary>The ids of the documents of one kind that match, for a list page's own query.</summary>
    public static IQueryable<long> MatchingIds(PortalDb db, SearchQuery query, SearchKind kind) =>
        Matching(db, query).Where(s => s.Kind == kind).Select(s => s.DocumentId);
}
