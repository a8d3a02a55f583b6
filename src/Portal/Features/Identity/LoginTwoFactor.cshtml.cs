using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Security;
using Portal.Resources;

namespace Portal.Features.Identity;

/// <summary>The second step of logging in: a code from the authenticator app, or a recovery code.</summary>
[AllowAnonymous]
[WithoutAccountScope]
public sealed class LoginTwoFactorModel(
    SignInManager<PortalUser> signIn,
    PortalDb db,
    ActivityLog activity,
    TimeProvider time,
    IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Show the recovery-code form instead of the app-code form.</summary>
    [BindProperty(SupportsGet = true)]
    public bool Recovery { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? Redirect("/login") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return Redirect("/login");
        }

        var code = new string((Code ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray());
        if (code.Length == 0)
        {
            Error = Recovery ? l["Enter one of your recovery codes."] : l["Enter the 6-digit code from your app."];
            return Page();
        }

        var result = Recovery
            ? await signIn.TwoFactorRecoveryCodeSignInAsync(code)
            : await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false);
        if (result.Succeeded)
        {
            user.LastLoginAt = time.GetUtcNow().UtcDateTime;
            activity.Record("login.succeeded", user.Id, detail: Recovery ? "recovery code" : "authenticator app", subject: user.Email);
            await signIn.UserManager.UpdateAsync(user);
            if (user.PreferredCulture is { Length: > 0 } culture)
            {
                CultureEndpoint.Remember(Response, culture);
            }

            return LocalRedirect(ReturnUrls.LocalOrDefault(ReturnUrl));
        }

        activity.Record("login.failed", user.Id, detail: Recovery ? "recovery code" : "authenticator code", subject: user.Email);
        await db.SaveChangesAsync();
        Error = result.IsLockedOut
            ? l["This account is locked after too many failed attempts. Try again later, or reset your password."]
            : Recovery
                ? l["That recovery code is not valid, or it was used already."]
                : l["That code is not valid, or it was used already. Wait for the next code and try again."];
        return Page();
    }
}
