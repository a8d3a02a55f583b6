using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Features.Webhooks;

/// <summary>
/// Where the billing system wants integration events pushed. The signing secret is kept encrypted with
/// data protection (not hashed: signing needs the secret itself) and never returned by the API.
/// </summary>
public sealed class WebhookSubscription
{
    public const string AllTypes = "*";

    public long Id { get; set; }

    public required string Name { get; set; }

    public required string Url { get; set; }

    /// <summary>Comma-separated event types; <c>*</c> for all, <c>payment.*</c> for a family.</summary>
    public required string EventTypes { get; set; }

    public required string ProtectedSecret { get; set; }

    public bool Active { get; set; }

    /// <summary>
    /// The fan-out cursor: every integration event with an id up to this one has been considered for this
    /// subscription. Moved in the same transaction that inserts the deliveries, so that a restart neither
    /// skips nor repeats a fan-out.
    /// </summary>
    public long LastEventId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public IReadOnlyList<string> TypeList() => SplitTypes(EventTypes);

    public static IReadOnlyList<string> SplitTypes(string types) =>
        types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static bool Matches(IReadOnlyList<string> types, string type)
    {
        foreach (var t in types)
        {
            if (t == AllTypes || string.Equals(t, type, StringComparison.Ordinal)
                || (t.EndsWith(".*", StringComparison.Ordinal) && type.StartsWith(t[..^1], StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Encrypts and decrypts webhook signing secrets with the application's (shared) key ring.</summary>
public sealed class WebhookSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Portal.Webhooks.Secret.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> b)
    {
        b.Property(s => s.Name).HasMaxLength(100);
        b.Property(s => s.Url).HasMaxLength(2000);
        b.Property(s => s.EventTypes).HasMaxLength(2000);
        b.Property(s => s.ProtectedSecret).HasMaxLength(2000);
        b.HasIndex(s => s.Name).IsUnique();
    }
}
