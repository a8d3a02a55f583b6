using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace Portal.Features.Identity.Passwords;

/// <summary>
/// Password-reset tokens valid for 30 minutes (ASVS 6.4.1). Like Identity's DataProtectorTokenProvider
/// the token is a data-protected (user, purpose, security stamp, time), so it dies when the stamp
/// rotates, which ResetPasswordAsync does: a token works once. Written here rather than configured
/// because the clock must be the injected <see cref="TimeProvider"/>, so that tests can move it.
/// </summary>
internal sealed class PasswordResetTokenProvider(IDataProtectionProvider protection, TimeProvider time) : IUserTwoFactorTokenProvider<PortalUser>
{
    public const string Name = "PortalPasswordReset";

    public static readonly TimeSpan Lifespan = TimeSpan.FromMinutes(30);

    private readonly IDataProtector _protector = protection.CreateProtector("Portal.PasswordReset.v1");

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<PortalUser> manager, PortalUser user) => Task.FromResult(false);

    public async Task<string> GenerateAsync(string purpose, UserManager<PortalUser> manager, PortalUser user)
    {
        var stamp = await manager.GetSecurityStampAsync(user);
        var created = time.GetUtcNow().UtcTicks.ToString(CultureInfo.InvariantCulture);
        var payload = string.Join('\n', created, await manager.GetUserIdAsync(user), purpose, stamp);
        return WebEncoders.Base64UrlEncode(_protector.Protect(Encoding.UTF8.GetBytes(payload)));
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<PortalUser> manager, PortalUser user)
    {
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(_protector.Unprotect(WebEncoders.Base64UrlDecode(token))).Split('\n');
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return false;
        }

        if (parts.Length != 4 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            return false;
        }

        var age = time.GetUtcNow().UtcTicks - ticks;
        return age >= 0 && age <= Lifespan.Ticks
            && parts[1] == await manager.GetUserIdAsync(user)
            && parts[2] == purpose
            && parts[3] == await manager.GetSecurityStampAsync(user);
    }
}
