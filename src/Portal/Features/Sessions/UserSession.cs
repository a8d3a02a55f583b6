using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Identity;

namespace Portal.Features.Sessions;

/// <summary>
/// One signed-in browser. The cookie carries only a random key; the row, found by the key's hash,
/// holds the protected authentication ticket, so that ending a session here ends it everywhere.
/// </summary>
public sealed class UserSession
{
    /// <summary>SHA-256 of the cookie's random key (base64url): a stolen database cannot mint cookies.</summary>
    public required string Id { get; set; }

    public required string UserId { get; set; }

    public PortalUser? User { get; set; }

    /// <summary>The serialized AuthenticationTicket, encrypted with data protection.</summary>
    public required byte[] Ticket { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Updated at most once a minute, so that a busy session is not a write per request.</summary>
    public DateTime LastSeenAt { get; set; }

    /// <summary>The idle deadline (sliding); the absolute one is <see cref="CreatedAt"/> plus 12 hours.</summary>
    public DateTime ExpiresAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public string? IpAddress { get; set; }

    /// <summary>"Firefox on Windows": enough for a person to recognise the device.</summary>
    public string? Device { get; set; }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> b)
    {
        b.Property(s => s.Id).HasMaxLength(64);
        b.Property(s => s.UserId).HasMaxLength(450);
        b.Property(s => s.IpAddress).HasMaxLength(64);
        b.Property(s => s.Device).HasMaxLength(100);
        // The sessions page and "sign out everywhere else" look sessions up by user.
        b.HasIndex(s => s.UserId);
        b.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
