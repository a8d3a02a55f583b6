using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Security;
using Portal.Resources;
using SignInResult = Microsoft.AspNetCore.Identity.SignInResult;

namespace Portal.Features.Identity;

/// <summary>
/// Where the login page's passkey form posts the browser's assertion (wwwroot/js/passkeys.js).
/// A passkey is a full sign-in on its own: possession of the device plus its PIN or biometric.
/// </summary>
[AllowAnonymous]
[WithoutAccountScope]
public sealed class LoginPasskeyModel(
    SignInManager<PortalUser> signIn,
    PortalDb db,
    ActivityLog activity,
    TimeProvider time,
    IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty]
    public string? CredentialJson { get; set; }

    [BindProperty]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public IActionResult OnGet() => Redirect("/login");

    public async Task<IActionResult> OnPostAsync()
    {
        SignInResult result;
        try
        {
            result = string.IsNullOrWhiteSpace(CredentialJson) || CredentialJson.Length > 16_384
                ? SignInResult.Failed
                : await signIn.PasskeySignInAsync(CredentialJson);
        }
        catch (InvalidOperationException)
        {
            // No ceremony was started in this browser (or its state expired).
            result = SignInResult.Failed;
        }

        var user = result.Succeeded || result.IsLockedOut ? await FindUserAsync() : null;
        if (result.Succeeded && user is not null)
        {
            user.LastLoginAt = time.GetUtcNow().UtcDateTime;
            activity.Record("login.succeeded", user.Id, detail: "passkey", subject: user.Email);
            await signIn.UserManager.UpdateAsync(user);
            if (user.PreferredCulture is { Length: > 0 } culture)
            {
                CultureEndpoint.Remember(Response, culture);
            }

            return LocalRedirect(ReturnUrls.LocalOrDefault(ReturnUrl));
        }

        activity.Record("login.failed", user?.Id, detail: "passkey");
        await db.SaveChangesAsync();
        Error = result.IsLockedOut
            ? l["This account is locked after too many failed attempts. Try again later, or reset your password."]
            : l["That passkey could not be used to log in. Try again, or log in with your password."];
        return Page();
    }

    private async Task<PortalUser?> FindUserAsync()
    {
        try
        {
            using var json = JsonDocument.Parse(CredentialJson!);
            var id = json.RootElement.GetProperty("id").GetString();
            return id is null ? null : await signIn.UserManager.FindByPasskeyIdAsync(WebEncoders.Base64UrlDecode(id));
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
