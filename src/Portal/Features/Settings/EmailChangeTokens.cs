using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Portal.Features.Identity;

namespace Portal.Features.Settings;

/// <summary>
/// The link that confirms a new e-mail address: the user, the new address, a deadline 24 hours out
/// and the user's security stamp, sealed with data protection. Confirming changes the stamp, so a
/// link works once; so does any other change of password, e-mail or two-factor.
/// </summary>
public sealed class EmailChangeTokens(IDataProtectionProvider protection, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private readonly IDataProtector _protector = protection.CreateProtector("Portal.Settings.EmailChange.v1");

    public string Create(PortalUser user, string newEmail)
    {
        var expires = (time.GetUtcNow() + Lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return _protector.Protect(string.Join('\n', user.Id, newEmail, expires, user.SecurityStamp ?? ""));
    }

    /// <summary>The request the token carries, if it is intact and not past its deadline; the stamp is checked by the caller.</summary>
    public Request? Read(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var parts = _protector.Unprotect(token).Split('\n');
            if (parts.Length != 4 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
            {
                return null;
            }

            return time.GetUtcNow().ToUnixTimeSeconds() < expires ? new Request(parts[0], parts[1], parts[3]) : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public sealed record Request(string UserId, string NewEmail, string SecurityStamp)
    {
        public bool StillValidFor(PortalUser user) =>
            user.Id == UserId && CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(user.SecurityStamp ?? ""),
                System.Text.Encoding.UTF8.GetBytes(SecurityStamp));
    }
}
