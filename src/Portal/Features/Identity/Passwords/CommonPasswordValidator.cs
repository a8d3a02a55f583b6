using System.Collections.Frozen;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Portal.Resources;

namespace Portal.Features.Identity.Passwords;

/// <summary>
/// The password policy beyond the minimum length (ASVS 6.2.4, 6.2.9, 6.2.11): no password from the list
/// of 100,000 common passwords, none containing the user's own e-mail name, at most 128 characters. No
/// composition rules (6.2.5).
/// </summary>
internal sealed class CommonPasswordValidator(IStringLocalizer<SharedResource> l) : IPasswordValidator<PortalUser>
{
    public const int MaxLength = 128;

    // A local part this short ("jo", "demo") would refuse many ordinary passwords by coincidence.
    private const int MinimumLocalPartChecked = 5;

    private static readonly Lazy<FrozenSet<string>> Common = new(Load);

    public Task<IdentityResult> ValidateAsync(UserManager<PortalUser> manager, PortalUser user, string? password)
    {
        password ??= "";
        var errors = new List<IdentityError>();
        if (password.Length > MaxLength)
        {
            errors.Add(new IdentityError { Code = "PasswordTooLong", Description = l["Use at most {0} characters.", MaxLength] });
        }
        else if (IsCommon(password))
        {
            errors.Add(new IdentityError { Code = "PasswordCommon", Description = l["This password is one of the most common passwords, which attackers try first. Choose another one; a few unrelated words make a good password."] });
        }

        var local = LocalPart(user.Email ?? user.UserName);
        if (local is { Length: >= MinimumLocalPartChecked } && password.Contains(local, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new IdentityError { Code = "PasswordContainsEmail", Description = l["The password must not contain your e-mail address."] });
        }

        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }

    public static bool IsCommon(string password) => Common.Value.Contains(password.ToLowerInvariant());

    internal static int Count => Common.Value.Count;

    private static string? LocalPart(string? email)
    {
        var at = email?.IndexOf('@', StringComparison.Ordinal) ?? -1;
        return at > 0 ? email![..at] : null;
    }

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("Portal.CommonPasswords.txt")
            ?? throw new InvalidOperationException("The embedded list of common passwords is missing.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                set.Add(line);
            }
        }

        return set.ToFrozenSet(StringComparer.Ordinal);
    }
}
