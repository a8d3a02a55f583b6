using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;

namespace Portal.Features.CallOffs;

public enum CallOffStatus
{
    Sent = 0,
    Acknowledged = 1,
    Scheduled = 2,
    PickedUp = 3,
    Cancelled = 4,
}

/// <summary>
/// A customer's request to end the rental of items and have them picked up. Its quantities are held
/// on the contract items (<c>ContractItem.QuantityCalledOff</c>) until it is picked up or cancelled.
/// </summary>
public sealed class CallOff
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    /// <summary>"CO-000123": the row's id, so two instances never hand out the same number.</summary>
    public required string Number { get; set; }

    public CallOffStatus Status { get; set; }

    public DateOnly PickupDate { get; set; }

    public required string ContactName { get; set; }

    public required string ContactPhone { get; set; }

    public string? Notes { get; set; }

    public required string RequestedByUserId { get; set; }

    /// <summary>The billing system's message with its last status move (a pickup window, a reason to cancel).</summary>
    public string? StatusNote { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<CallOffLine> Lines { get; set; } = [];

    public static bool IsOpen(CallOffStatus status) => status is not (CallOffStatus.PickedUp or CallOffStatus.Cancelled);

    /// <summary>The moves the billing system may make: forward only, and nothing out of picked up or cancelled.</summary>
    public static bool CanMove(CallOffStatus from, CallOffStatus to) => from == to || (IsOpen(from) && to switch
    {
        CallOffStatus.Acknowledged => from == CallOffStatus.Sent,
        CallOffStatus.Scheduled => from is CallOffStatus.Sent or CallOffStatus.Acknowledged,
        CallOffStatus.PickedUp or CallOffStatus.Cancelled => true,
        _ => false,
    });

    public static string NumberFor(long id) => "CO-" + id.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One item called off. What it was (contract, product, asset) is copied, so the request reads the same after the contract changes.</summary>
public sealed class CallOffLine
{
    public long Id { get; set; }

    public long CallOffId { get; set; }

    public long ContractItemId { get; set; }

    public required string ContractNumber { get; set; }

    public required string ProductCode { get; set; }

    public required string Description { get; set; }

    public string? AssetNumber { get; set; }

    public decimal Quantity { get; set; }
}

internal sealed class CallOffConfiguration : IEntityTypeConfiguration<CallOff>
{
    public void Configure(EntityTypeBuilder<CallOff> b)
    {
        b.Property(c => c.Number).HasMaxLength(50);
        b.Property(c => c.ContactName).HasMaxLength(100);
        b.Property(c => c.ContactPhone).HasMaxLength(40);
        b.Property(c => c.Notes).HasMaxLength(1000);
        b.Property(c => c.StatusNote).HasMaxLength(500);
        b.Property(c => c.RequestedByUserId).HasMaxLength(450);
        b.HasIndex(c => c.Number).IsUnique();
        // The account's requests, newest first (/requests), and the API's list in id order.
        b.HasIndex(c => new { c.AccountId, c.CreatedAt, c.Id });
        b.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(c => c.Lines).WithOne().HasForeignKey(x => x.CallOffId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CallOffLineConfiguration : IEntityTypeConfiguration<CallOffLine>
{
    public void Configure(EntityTypeBuilder<CallOffLine> b)
    {
        b.ToTable(t => t.HasCheckConstraint("CK_CallOffLines_Quantity", "\"Quantity\" > 0"));
        b.Property(x => x.ContractNumber).HasMaxLength(50);
        b.Property(x => x.ProductCode).HasMaxLength(50);
        b.Property(x => x.Description).HasMaxLength(500);
        b.Property(x => x.AssetNumber).HasMaxLength(100);
        b.HasIndex(x => x.ContractItemId);
    }
}
