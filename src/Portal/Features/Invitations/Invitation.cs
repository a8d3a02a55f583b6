using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;

namespace Portal.Features.Invitations;

/// <summary>
/// An invitation of an e-mail address to an account. Only the SHA-256 hash of the link's token is kept
/// (the token has 256 random bits, so a fast hash is enough); the token itself exists only in the
/// e-mailed link. Resending replaces the hash, which voids the old link.
/// </summary>
public sealed class Invitation
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public Account? Account { get; set; }

    public required string Email { get; set; }

    public Permissions Permissions { get; set; }

    public required byte[] TokenHash { get; set; }

    public string? InvitedByUserId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    /// <summary>When the current link was sent (the creation, or the last resend).</summary>
    public DateTime SentAt { get; set; }

    public DateTime? AcceptedAt { get; set; }

    public string? AcceptedByUserId { get; set; }

    public DateTime? RevokedAt { get; set; }

    public bool IsPending(DateTime now) => AcceptedAt is null && RevokedAt is null && ExpiresAt > now;

    /// <summary>A new random token: the value for the link, and the hash to store.</summary>
    public static (string Token, byte[] Hash) NewToken()
    {
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        return (token, Hash(token));
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> b)
    {
        b.Property(i => i.Email).HasMaxLength(256);
        b.Property(i => i.TokenHash).HasMaxLength(32);
        b.Property(i => i.InvitedByUserId).HasMaxLength(450);
        b.Property(i => i.AcceptedByUserId).HasMaxLength(450);
        // The accept page finds the invitation by the hash of the presented token.
        b.HasIndex(i => i.TokenHash).IsUnique();
        // The console lists invitations newest first, across accounts or for one.
        b.HasIndex(i => new { i.AccountId, i.Id });
        b.HasIndex(i => i.Email);
        b.HasOne(i => i.Account).WithMany().HasForeignKey(i => i.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
