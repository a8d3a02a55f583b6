using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;
using Portal.Infrastructure.Api;

namespace Portal.Features.Invoices;

/// <summary>
/// An invoice as issued by the billing system. <see cref="OpenAmount"/> is the one running figure the
/// portal keeps: it changes only together with the allocation rows that explain it, in one
/// transaction, guarded by <see cref="Version"/> and a check constraint (0 &lt;= open &lt;= total).
/// </summary>
public sealed class Invoice : IAccountDocument
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public Account? Account { get; set; }

    public required string ExternalId { get; set; }

    public required string Number { get; set; }

    public DateOnly IssueDate { get; set; }

    public DateOnly DueDate { get; set; }

    public required string Currency { get; set; }

    public decimal Subtotal { get; set; }

    public decimal TaxTotal { get; set; }

    public decimal Total { get; set; }

    public decimal OpenAmount { get; set; }

    /// <summary>Held by portal payment attempts whose outcome is not known yet; a new attempt may take only open less reserved.</summary>
    public decimal ReservedAmount { get; set; }

    public bool IsVoid { get; set; }

    public string? Branch { get; set; }

    public string? PurchaseOrder { get; set; }

    public string? Memo { get; set; }

    /// <summary>Start and end of the service period the invoice bills, where it bills one.</summary>
    public DateOnly? PeriodStart { get; set; }

    public DateOnly? PeriodEnd { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency: two payments racing for the same invoice cannot both win.</summary>
    public long Version { get; set; }

    public List<InvoiceLine> Lines { get; set; } = [];
}

public enum InvoiceStatus
{
    Open,
    PartlyPaid,
    Overdue,
    Paid,
    Void,
}

public static class InvoiceStatuses
{
    /// <summary>The status a customer sees; "today" is the operator's local date.</summary>
    public static InvoiceStatus Of(bool isVoid, decimal total, decimal open, DateOnly dueDate, DateOnly today) =>
        isVoid ? InvoiceStatus.Void
        : open <= 0m ? InvoiceStatus.Paid
        : dueDate < today ? InvoiceStatus.Overdue
        : open < total ? InvoiceStatus.PartlyPaid
        : InvoiceStatus.Open;
}

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> b)
    {
        b.ToTable(t =>
        {
            t.HasCheckConstraint("CK_Invoices_OpenAmount", "\"OpenAmount\" >= 0 AND \"OpenAmount\" <= \"Total\"");
            // Not "<= OpenAmount": the billing system may record a check for an invoice an attempt holds;
            // the attempt then keeps its surplus unapplied (docs/payments.md).
            t.HasCheckConstraint("CK_Invoices_ReservedAmount", "\"ReservedAmount\" >= 0 AND \"ReservedAmount\" <= \"Total\"");
        });
        b.Property(i => i.ExternalId).HasMaxLength(100);
        b.Property(i => i.Number).HasMaxLength(50);
        b.Property(i => i.Currency).HasMaxLength(3);
        b.Property(i => i.Branch).HasMaxLength(50);
        b.Property(i => i.PurchaseOrder).HasMaxLength(100);
        b.Property(i => i.Memo).HasMaxLength(2000);
        b.Property(i => i.Version).IsConcurrencyToken();
        b.HasIndex(i => i.ExternalId).IsUnique();
        b.HasIndex(i => i.Number).IsUnique();
        // The list pages: per account, newest first by default, and by due date for what is open. IsVoid and
        // Total close the date index: a statement's opening balance, totals and the balance brought forward to
        // a page are sums over a range of dates, read from the index alone (a year of the largest account is 6,500 rows).
        b.HasIndex(i => new { i.AccountId, i.IssueDate, i.Id, i.IsVoid, i.Total });
        b.HasIndex(i => new { i.AccountId, i.DueDate, i.Id });
        b.HasIndex(i => new { i.AccountId, i.Number });
        // An order's page finds the invoices that quote its purchase order.
        b.HasIndex(i => new { i.AccountId, i.PurchaseOrder });
        // The overview's branch selector walks this index one branch at a time (a loose index scan).
        b.HasIndex(i => new { i.AccountId, i.Branch });
        // Sorting the list by amount pages by keyset too (20261122000100_InvoiceIndexes).
        b.HasIndex(i => new { i.AccountId, i.Total, i.Id });
        b.HasIndex(i => new { i.AccountId, i.OpenAmount, i.Id });
        // What is payable: a small partial index, so "amount due" and "oldest open first" never scan paid history.
        // The filter is written as EF writes `!i.IsVoid`: SQLite uses a partial index only when the query
        // repeats its terms (tests/Portal.Tests/Features/Ledger/OpenIndexTests.cs). IsVoid is in the key although
        // the filter fixes it: a query that repeats `NOT IsVoid` reads the column, and without it in the index
        // each open invoice cost a read of its table row (1,134 of them for the largest bench account; issue 16).
        b.HasIndex(i => new { i.AccountId, i.DueDate, i.OpenAmount, i.IsVoid })
            .HasDatabaseName("IX_Invoices_Open")
            .HasFilter("\"OpenAmount\" > 0 AND NOT \"IsVoid\"");
        b.HasOne(i => i.Account).WithMany().HasForeignKey(i => i.AccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(i => i.Lines).WithOne().HasForeignKey(l => l.InvoiceId).OnDelete(DeleteBehavior.Cascade);
    }
}
