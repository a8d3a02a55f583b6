using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;
using Portal.Infrastructure.Api;

namespace Portal.Features.Contracts;

public enum ContractStatus
{
    Open = 0,
    Closed = 1,
    Cancelled = 2,

    /// <summary>A reservation: equipment booked for a start date, not yet out.</summary>
    Reserved = 3,
}

/// <summary>A rental contract: what went out, to which job site, and what is still on rent.</summary>
public sealed class Contract : IAccountDocument
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public required string ExternalId { get; set; }

    public required string Number { get; set; }

    public ContractStatus Status { get; set; }

    public DateOnly StartDate { get; set; }

    public DateOnly? EndDate { get; set; }

    /// <summary>The job site or project the equipment went to.</summary>
    public string? JobSite { get; set; }

    public string? PurchaseOrder { get; set; }

    public string? Branch { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<ContractItem> Items { get; set; } = [];
}

/// <summary>One line of a contract; it is "out" while quantity out exceeds quantity returned.</summary>
public sealed class ContractItem
{
    public long Id { get; set; }

    public long ContractId { get; set; }

    /// <summary>The contract's account, copied here so that "everything on rent" is one index range per account.</summary>
    public long AccountId { get; set; }

    public int LineNumber { get; set; }

    public required string ProductCode { get; set; }

    public required string Description { get; set; }

    /// <summary>A serial or asset number, where the item is a tracked piece of equipment.</summary>
    public string? AssetNumber { get; set; }

    public decimal QuantityOut { get; set; }

    public decimal QuantityReturned { get; set; }

    public DateOnly DateOut { get; set; }

    public DateOnly? ExpectedReturn { get; set; }

    public decimal Rate { get; set; }

    /// <summary>The period the rate is for: day, week, month.</summary>
    public string? RatePeriod { get; set; }

    /// <summary>
    /// How much of what is on rent the customer has called off and is waiting to be picked up. Only
    /// conditional updates change it (Features/CallOffs/CallOffService), so two call-offs of the same
    /// item can never together exceed what is out; the integration API never writes it.
    /// </summary>
    public decimal QuantityCalledOff { get; set; }

    public decimal QuantityOnRent => QuantityOut - QuantityReturned;
}

internal sealed class ContractConfiguration : IEntityTypeConfiguration<Contract>
{
    public void Configure(EntityTypeBuilder<Contract> b)
    {
        b.Property(c => c.ExternalId).HasMaxLength(100);
        b.Property(c => c.Number).HasMaxLength(50);
        b.Property(c => c.JobSite).HasMaxLength(200);
        b.Property(c => c.PurchaseOrder).HasMaxLength(100);
        b.Property(c => c.Branch).HasMaxLength(50);
        b.HasIndex(c => c.ExternalId).IsUnique();
        b.HasIndex(c => c.Number).IsUnique();
        b.HasIndex(c => new { c.AccountId, c.Status, c.StartDate, c.Id });
        // The contract list, newest first, all statuses (/contracts).
        b.HasIndex(c => new { c.AccountId, c.StartDate, c.Id });
        b.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(c => c.Items).WithOne().HasForeignKey(i => i.ContractId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ContractItemConfiguration : IEntityTypeConfiguration<ContractItem>
{
    public void Configure(EntityTypeBuilder<ContractItem> b)
    {
        b.ToTable(t => t.HasCheckConstraint("CK_ContractItems_Quantities", "\"QuantityReturned\" >= 0 AND \"QuantityReturned\" <= \"QuantityOut\""));
        b.Property(i => i.ProductCode).HasMaxLength(50);
        b.Property(i => i.Description).HasMaxLength(500);
        b.Property(i => i.AssetNumber).HasMaxLength(100);
        b.Property(i => i.RatePeriod).HasMaxLength(20);
        b.Ignore(i => i.QuantityOnRent);
        b.HasIndex(i => new { i.ContractId, i.LineNumber }).IsUnique();
        // /items-out: what is on rent now, per account, by date out. Partial, so returned lines cost nothing.
        b.HasIndex(i => new { i.AccountId, i.DateOut, i.Id }).HasDatabaseName("IX_ContractItems_OnRent").HasFilter("\"QuantityOut\" > \"QuantityReturned\"");
    }
}
