using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Identity;

namespace Portal.Features.TwoFactor;

/// <summary>
/// The authenticator-app provider. Identity's own accepts the same code again within its window;
/// this one remembers the last time step accepted per user and refuses that step and any older one,
/// so every code works once (ASVS 6.5.1), and it allows one step of clock drift either side.
/// </summary>
public sealed class OneTimeAuthenticatorTokenProvider(PortalDb db, TimeProvider time) : IUserTwoFactorTokenProvider<PortalUser>
{
    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<PortalUser> manager, PortalUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    // The app makes the code; there is nothing to send.
    public Task<string> GenerateAsync(string purpose, UserManager<PortalUser> manager, PortalUser user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<PortalUser> manager, PortalUser user)
    {
        var code = Totp.Normalize(token);
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (code is null || string.IsNullOrWhiteSpace(key))
        {
            return false;
        }

        var secret = Totp.FromBase32(key);
        var now = Totp.TimeStep(time.GetUtcNow());
        long? matched = null;
        for (var step = now - 1; step <= now + 1; step++)
        {
            if (CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Totp.Code(secret, step)), System.Text.Encoding.ASCII.GetBytes(code)))
            {
                matched = step;
            }
        }

        if (matched is not long accepted)
        {
            return false;
        }

        // One conditional write decides, so two requests racing with the same code cannot both win.
        var userId = user.Id;
        var won = await db.Users
            .Where(u => u.Id == userId && (u.LastTotpTimeStep == null || u.LastTotpTimeStep < accepted))
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.LastTotpTimeStep, accepted));
        if (won == 0)
        {
            return false;
        }

        // Keep the tracked user in step, or a later UpdateAsync would write the old value back.
        user.LastTotpTimeStep = accepted;
        return true;
    }
}
