namespace Portal.Features.Identity;

/// <summary>
/// A submitted login as the portal resolves it: an e-mail address trimmed and case-folded, a phone
/// number reduced to its digits. The login page looks users up by it and the per-login rate limit
/// counts by it, so "+1 (555) 010-0000" and "15550100000" are one login to both.
/// </summary>
public static class LoginNames
{
    /// <summary>Fewer digits than this is not a phone number anyone registered with.</summary>
    public const int MinPhoneDigits = 7;

    public static bool IsEmail(string login) => login.Contains('@', StringComparison.Ordinal);

    /// <summary>The digits of a phone login, or null when it has too few to be one.</summary>
    public static string? PhoneDigits(string login)
    {
        var digits = new string(login.Where(char.IsAsciiDigit).ToArray());
        return digits.Length < MinPhoneDigits ? null : digits;
    }

    /// <summary>The key one login is counted under (e-mail case-folded, phone digits), never empty for a non-blank login.</summary>
    public static string Key(string login)
    {
        var trimmed = login.Trim();
        if (IsEmail(trimmed))
        {
            return trimmed.ToUpperInvariant();
        }

        return PhoneDigits(trimmed) is { } digits ? "tel:" + digits : trimmed.ToUpperInvariant();
    }
}
