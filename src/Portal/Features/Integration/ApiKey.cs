using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Features.Integration;

/// <summary>
/// A key the billing system uses for the integration API. Only a SHA-256 hash of the secret is kept
/// (the key has 256 bits of entropy, so a fast hash is enough); the key itself is shown once.
/// </summary>
public sealed class ApiKey
{
    public const string KeyPrefix = "pk_";

    public long Id { get; set; }

    public required string Name { get; set; }

    /// <summary>The non-secret start of the key (e.g. <c>pk_3f9a1c2b</c>): shown in the console and used to find the row.</summary>
    public required string Prefix { get; set; }

    public required byte[] SecretHash { get; set; }

    public DateTime CreatedAt { get; set; }

    public string? CreatedBy { get; set; }

    /// <summary>Updated at most once a minute, so that a busy integration does not write on every call.</summary>
    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    /// <summary>Makes a new key: the entity to store and the only copy of the key to give out.</summary>
    public static (ApiKey Entity, string Key) Create(string name, string? createdBy, DateTime now)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var secret = Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var prefix = KeyPrefix + id;
        var key = $"{prefix}_{secret}";
        return (new ApiKey { Name = name, Prefix = prefix, SecretHash = Hash(key), CreatedAt = now, CreatedBy = createdBy }, key);
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>The prefix part of a presented key, or null when it is not shaped like one of ours.</summary>
    public static string? PrefixOf(string presented)
    {
        // Shorter than the fixed prefix ("Bearer x"): IndexOf with a start past the end would throw.
        if (presented.Length <= KeyPrefix.Length)
        {
            return null;
        }

        var underscore = presented.IndexOf('_', KeyPrefix.Length);
        return presented.StartsWith(KeyPrefix, StringComparison.Ordinal) && underscore == KeyPrefix.Length + 8
            ? presented[..underscore]
            : null;
    }

    public bool Matches(string presented) => CryptographicOperations.FixedTimeEquals(SecretHash, Hash(presented));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.Property(k => k.Name).HasMaxLength(100);
        b.Property(k => k.Prefix).HasMaxLength(20);
        b.Property(k => k.SecretHash).HasMaxLength(32);
        b.Property(k => k.CreatedBy).HasMaxLength(256);
        b.HasIndex(k => k.Prefix).IsUnique();
        b.HasIndex(k => k.Name);
    }
}
