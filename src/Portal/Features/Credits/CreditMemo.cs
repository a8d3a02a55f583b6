using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;
using Portal.Features.Invoices;
using Portal.Infrastructure.Api;

namespace Portal.Features.Credits;

/// <summary>
/// A credit memo from the billing system. <see cref="RemainingAmount"/> is what is not yet applied to
/// invoices; it moves only together with <see cref="CreditApplication"/> rows, in one transaction.
/// </summary>
public sealed class CreditMemo : IAccountDocument
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public required string ExternalId { get; set; }

    public required string Number { get; set; }

    public DateOnly Date { get; set; }

    public required string Currency { get; set; }

    public decimal Amount { get; set; }

    public decimal RemainingAmount { get; set; }

    /// <summary>The customer-facing reference: a returned order, an RMA, the invoice it corrects.</summary>
    public string? Reference { get; set; }

    public string? Reason { get; set; }

    public string? Branch { get; set; }

    public bool IsVoid { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public long Version { get; set; }
}

/// <summary>Part of a credit memo applied to one invoice.</summary>
public sealed class CreditApplication
{
    public long Id { get; set; }

    public long CreditMemoId { get; set; }

    public long InvoiceId { get; set; }

    public Invoice? Invoice { get; set; }

    public decimal Amount { get; set; }

    public DateTime AppliedAt { get; set; }
}

internal sealed class CreditMemoConfiguration : IEntityTypeConfiguration<CreditMemo>
{
    public void Configure(EntityTypeBuilder<CreditMemo> b)
    {
        b.ToTable(t => t.HasCheckConstraint("CK_CreditMemos_Remaining", "\"RemainingAmount\" >= 0 AND \"RemainingAmount\" <= \"Amount\""));
        b.Property(c => c.ExternalId).HasMaxLength(100);
        b.Property(c => c.Number).HasMaxLength(50);
        b.Property(c => c.Currency).HasMaxLength(3);
        b.Property(c => c.Reference).HasMaxLength(200);
        b.Property(c => c.Reason).HasMaxLength(500);
        b.Property(c => c.Branch).HasMaxLength(50);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.HasIndex(c => c.ExternalId).IsUnique();
        b.HasIndex(c => c.Number).IsUnique();
        // IsVoid and Amount close the date index, as the invoices' does: a statement's sums over a range of dates,
        // and its check for credits applied after the closing date, read the index alone instead of every credit
        // memo of the account (480 rows of the largest bench account, a table read each: 4 ms a statement).
        b.HasIndex(c => new { c.AccountId, c.Date, c.Id, c.IsVoid, c.Amount });
        // Credit not yet applied: small, and what the balance subtracts. IsVoid in the key so that the sum,
        // which repeats the filter's terms, reads the index alone (as IX_Invoices_Open).
        b.HasIndex(c => new { c.AccountId, c.RemainingAmount, c.IsVoid })
            .HasDatabaseName("IX_CreditMemos_Remaining")
            .HasFilter("\"RemainingAmount\" > 0 AND NOT \"IsVoid\"");
        b.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CreditApplicationConfiguration : IEntityTypeConfiguration<CreditApplication>
{
    public void Configure(EntityTypeBuilder<CreditApplication> b)
    {
        b.ToTable(t => t.HasCheckConstraint("CK_CreditApplications_Amount", "\"Amount\" > 0"));
        b.HasIndex(a => new { a.CreditMemoId, a.InvoiceId }).IsUnique();
        // What a statement asks of a credit's applications: those applied after the closing date, to which invoice,
        // how much. Covering, so that it is read without the table (see the credit memos' date index).
        b.HasIndex(a => new { a.CreditMemoId, a.AppliedAt, a.InvoiceId, a.Amount });
        // And those applied since a closing instant, whatever the credit's account (joined to the account's credits
        // after): without it PostgreSQL read every application of every account for a statement ending yesterday.
        b.HasIndex(a => new { a.AppliedAt, a.CreditMemoId, a.InvoiceId, a.Amount });
        b.HasIndex(a => a.InvoiceId);
        b.HasOne<CreditMemo>().WithMany().HasForeignKey(a => a.CreditMemoId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(a => a.Invoice).WithMany().HasForeignKey(a => a.InvoiceId).OnDelete(DeleteBehavior.Restrict);
    }
}
