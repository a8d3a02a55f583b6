using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.AspNetCore.WebUtilities;
using Portal.Data;
using Portal.Features.Identity;

namespace Portal.Features.TwoFactor;

/// <summary>
/// Recovery codes: ten, each single use, 120 random bits each so that a plain SHA-256 is enough to
/// store them (ASVS 6.5.2); the user sees them once, the database keeps only the hashes.
/// </summary>
public static class RecoveryCodes
{
    public const int Count = 10;

    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>Twenty-four characters from a 32-letter alphabet (no 0/O, 1/I), shown in groups of six.</summary>
    public static IReadOnlyList<string> Generate()
    {
        var codes = new List<string>(Count);
        for (var i = 0; i < Count; i++)
        {
            var chars = new char[24];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }

            var raw = new string(chars);
            codes.Add($"{raw[..6]}-{raw[6..12]}-{raw[12..18]}-{raw[18..]}");
        }

        return codes;
    }

    /// <summary>The stored form: SHA-256 of the code without separators, upper case.</summary>
    public static string Hash(string code)
    {
        var normalized = new string(code.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
        return WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(normalized)));
    }
}

/// <summary>Identity's store, with recovery codes kept as hashes instead of plain text.</summary>
internal sealed class PortalUserStore(PortalDb context, IdentityErrorDescriber? describer = null)
    : UserStore<PortalUser, IdentityRole, PortalDb>(context, describer)
{
    // Where Identity keeps recovery codes (UserStoreBase's own names), so its counting still works.
    private const string Provider = "[AspNetUserStore]";
    private const string Name = "RecoveryCodes";

    public override Task ReplaceCodesAsync(PortalUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        SetTokenAsync(user, Provider, Name, string.Join(';', recoveryCodes.Select(RecoveryCodes.Hash)), cancellationToken);

    // Not through the base: it would pass the remaining (already hashed) codes to ReplaceCodesAsync.
    public override async Task<bool> RedeemCodeAsync(PortalUser user, string code, CancellationToken cancellationToken)
    {
        var hashed = RecoveryCodes.Hash(code);
        var stored = (await GetTokenAsync(user, Provider, Name, cancellationToken) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries);
        if (!stored.Contains(hashed, StringComparer.Ordinal))
        {
            return false;
        }

        await SetTokenAsync(user, Provider, Name, string.Join(';', stored.Where(s => s != hashed)), cancellationToken);
        return true;
    }
}
