using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;

namespace Portal.Features.Usage;

/// <summary>
/// One metered event the billing system reported: what was used, by which identifier (a meter, a
/// phone line, a machine), when and how much. Ten million of these is a normal operator, so the table
/// is insert-only, narrow, and read only through (Month, AccountId, OccurredAt): a billing period of
/// one account is one or two index ranges (ADR 0009).
/// </summary>
public sealed class UsageRecord
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    /// <summary>The billing system's id: re-sending a record is recognised and changes nothing.</summary>
    public required string ExternalId { get; set; }

    public required string ProductCode { get; set; }

    /// <summary>What was metered: a meter number, a phone line, a licence seat, a machine id.</summary>
    public string? Identifier { get; set; }

    public string? Description { get; set; }

    public DateTime OccurredAt
    {
        get => _occurredAt;
        set
        {
            _occurredAt = value;
            Month = MonthOf(value);
        }
    }

    private DateTime _occurredAt;

    /// <summary>
    /// The UTC calendar month of <see cref="OccurredAt"/> as yyyymm (202611), kept with the row because it
    /// leads the account index: new records then land in the pages of the last month or two instead of
    /// anywhere in ten million rows, which is what makes bulk ingest fast (ADR 0009). A query for a
    /// time range names the months it spans (<see cref="MonthsOf"/>) next to its OccurredAt bounds.
    /// </summary>
    public int Month { get; private set; }

    public static int MonthOf(DateTime utc) => (utc.Year * 100) + utc.Month;

    /// <summary>Every month value from the month of <paramref name="fromUtc"/> to that of <paramref name="toUtc"/>, for an IN list.</summary>
    public static int[] MonthsOf(DateTime fromUtc, DateTime toUtc)
    {
        var months = new List<int>();
        for (var month = new DateTime(fromUtc.Year, fromUtc.Month, 1, 0, 0, 0, DateTimeKind.Utc); month <= toUtc; month = month.AddMonths(1))
        {
            months.Add(MonthOf(month));
        }

        return [.. months];
    }

    public decimal Quantity { get; set; }

    public required string Unit { get; set; }

    /// <summary>The invoice that billed it, once billed.</summary>
    public long? InvoiceId { get; set; }

    public DateTime CreatedAt { get; set; }
}

internal sealed class UsageRecordConfiguration : IEntityTypeConfiguration<UsageRecord>
{
    public void Configure(EntityTypeBuilder<UsageRecord> b)
    {
        b.Property(u => u.ExternalId).HasMaxLength(100);
        b.Property(u => u.ProductCode).HasMaxLength(50);
        b.Property(u => u.Identifier).HasMaxLength(100);
        b.Property(u => u.Description).HasMaxLength(300);
        b.Property(u => u.Unit).HasMaxLength(20);
        b.HasIndex(u => u.ExternalId).IsUnique();
        // A billing period of one account, in time order: the usage page, totals and the export. The
        // month leads so that ingest writes into recent pages only (ADR 0009).
        b.HasIndex(u => new { u.Month, u.AccountId, u.OccurredAt, u.Id });
        // The same range narrowed to one product (the page's product filter, the export of one product): a
        // seek to its records in time order. Without it a page of a product that is one in twelve of the
        // account's records walks twelve times as many index entries and loads each row to test the product.
        b.HasIndex(u => new { u.Month, u.AccountId, u.ProductCode, u.OccurredAt, u.Id });
        // Almost every record arrives unbilled: indexing the NULLs would add a B-tree write per record
        // for nothing. "InvoiceId = x" (and the foreign key's ON DELETE) implies NOT NULL, so this serves.
        b.HasIndex(u => u.InvoiceId).HasFilter("\"InvoiceId\" IS NOT NULL");
        // EF gives every foreign key an index of its own unless another index starts with it; here none
        // does (the month leads), and an (AccountId) index would be one more random B-tree write per
        // record, the very cost ADR 0009 removes. Its only reader would be deleting an account, which
        // the portal never does (accounts are switched off, not deleted). Set before the key, which is
        // when the convention looks.
        b.Property(u => u.AccountId).HasAnnotation(Data.ForeignKeyIndexesUnlessOptedOut.NoForeignKeyIndex, true);
        b.HasOne<Account>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Invoices.Invoice>().WithMany().HasForeignKey(u => u.InvoiceId).OnDelete(DeleteBehavior.SetNull);
    }
}
