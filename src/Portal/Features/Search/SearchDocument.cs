using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Features.Search;

/// <summary>The kinds of document the search box finds; the numbers are stored, so never renumber.</summary>
public enum SearchKind
{
    Invoice = 1,
    CreditMemo = 2,
    Payment = 3,
    Order = 4,
    Quote = 5,
    Contract = 6,
}

/// <summary>
/// One searchable document: what the full-text index covers (<see cref="Text"/>, <see cref="Money"/>)
/// and what a result shows. Written only by database triggers, in the transaction that writes the
/// document itself (docs/decisions/0016-document-search.md); the application only reads it.
/// </summary>
public sealed class SearchDocument
{
    /// <summary>The FTS5 index's rowid on SQLite (external content).</summary>
    public long Id { get; set; }

    public SearchKind Kind { get; set; }

    public long DocumentId { get; set; }

    public long AccountId { get; set; }

    /// <summary>The date results are ordered by, newest first (issue date, payment date, ...).</summary>
    public DateOnly Date { get; set; }

    public required string Number { get; set; }

    /// <summary>The customer's purchase order (or the credit memo's reference).</summary>
    public string? Reference { get; set; }

    public string? Currency { get; set; }

    public decimal? Amount { get; set; }

    /// <summary>Line descriptions and other free text, shown as the match.</summary>
    public required string Body { get; set; }

    /// <summary>Indexed: number, PO, dates (ISO and compact), each with its separators taken out, then the body.</summary>
    public required string Text { get; set; }

    /// <summary>Indexed apart, so that a user without "see money" neither sees nor searches amounts.</summary>
    public required string Money { get; set; }
}

internal sealed class SearchDocumentConfiguration : IEntityTypeConfiguration<SearchDocument>
{
    public void Configure(EntityTypeBuilder<SearchDocument> b)
    {
        b.Property(s => s.Number).HasMaxLength(50);
        b.Property(s => s.Reference).HasMaxLength(200);
        b.Property(s => s.Currency).HasMaxLength(3);
        b.HasIndex(s => new { s.Kind, s.DocumentId }).IsUnique();
        // Results per kind over the visible accounts, newest first.
        b.HasIndex(s => new { s.AccountId, s.Kind, s.Date, s.Id });
    }
}
