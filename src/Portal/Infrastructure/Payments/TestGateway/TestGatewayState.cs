using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Infrastructure.Payments.TestGateway;

/// <summary>
/// A method saved at the embedded test gateway: the token and display fields only, as a real provider
/// keeps them for us. What the test number does when charged is kept as its <see cref="Behaviour"/>.
/// In the database, not in memory, so that every instance of the portal sees the same gateway.
/// </summary>
public sealed class TestGatewayMethod
{
    public long Id { get; set; }

    public required string Token { get; set; }

    /// <summary>What the customer brings back to the portal when the entry is done.</summary>
    public required string SetupReference { get; set; }

    /// <summary>The portal account the method was entered for.</summary>
    public required string Customer { get; set; }

    public GatewayMethodKind Kind { get; set; }

    public required string Brand { get; set; }

    public required string Last4 { get; set; }

    public int? ExpiryMonth { get; set; }

    public int? ExpiryYear { get; set; }

    public string? Holder { get; set; }

    public TestBehaviour Behaviour { get; set; }

    public bool Deleted { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>One idempotency key at the test gateway, as Stripe keeps it: the request's fingerprint and the first result.</summary>
public sealed class TestGatewayCharge
{
    public long Id { get; set; }

    public required string IdempotencyKey { get; set; }

    /// <summary>The request's parameters: the same key with other parameters is refused.</summary>
    public required string Fingerprint { get; set; }

    /// <summary>
    /// True on every row written now (the charge is inserted once, final). False only on a row an older version
    /// inserted in flight and never finished; a request with its key then gets 409. A column to drop with the
    /// next migration of the test gateway.
    /// </summary>
    public bool Completed { get; set; }

    public ChargeStatus Status { get; set; }

    public required string Reference { get; set; }

    public string? DeclineCode { get; set; }

    public string? Message { get; set; }

    public required string MethodToken { get; set; }

    public long AmountMinor { get; set; }

    public required string Currency { get; set; }

    /// <summary>Where a 3-D Secure confirmation returns to.</summary>
    public string? ReturnUrl { get; set; }

    /// <summary>A bank debit settles (or fails) at this time.</summary>
    public DateTime? SettlesAt { get; set; }

    /// <summary>What a processing bank debit becomes when it settles.</summary>
    public ChargeStatus? SettlesAs { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>What a test number does (the list on the test gateway's page).</summary>
public enum TestBehaviour
{
    Succeeds = 0,
    Declined = 1,
    InsufficientFunds = 2,
    Expired = 3,
    AuthenticateOnce = 4,
    AuthenticateAlways = 5,
    SavesButDeclines = 6,
    TimeoutCharged = 7,
    TimeoutNothing = 8,
    BankSettles = 9,
    BankFails = 10,
}

internal sealed class TestGatewayMethodConfiguration : IEntityTypeConfiguration<TestGatewayMethod>
{
    public void Configure(EntityTypeBuilder<TestGatewayMethod> b)
    {
        b.Property(m => m.Token).HasMaxLength(64);
        b.Property(m => m.SetupReference).HasMaxLength(64);
        b.Property(m => m.Customer).HasMaxLength(100);
        b.Property(m => m.Brand).HasMaxLength(30);
        b.Property(m => m.Last4).HasMaxLength(4);
        b.Property(m => m.Holder).HasMaxLength(100);
        b.HasIndex(m => m.Token).IsUnique();
        b.HasIndex(m => m.SetupReference).IsUnique();
    }
}

internal sealed class TestGatewayChargeConfiguration : IEntityTypeConfiguration<TestGatewayCharge>
{
    public void Configure(EntityTypeBuilder<TestGatewayCharge> b)
    {
        b.Property(c => c.IdempotencyKey).HasMaxLength(100);
        b.Property(c => c.Fingerprint).HasMaxLength(300);
        b.Property(c => c.Reference).HasMaxLength(64);
        b.Property(c => c.DeclineCode).HasMaxLength(50);
        b.Property(c => c.Message).HasMaxLength(300);
        b.Property(c => c.MethodToken).HasMaxLength(64);
        b.Property(c => c.Currency).HasMaxLength(3);
        b.Property(c => c.ReturnUrl).HasMaxLength(500);
        b.HasIndex(c => c.IdempotencyKey).IsUnique();
    }
}
