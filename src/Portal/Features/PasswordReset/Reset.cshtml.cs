using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Identity;
using Portal.Features.Operator;
using Portal.Features.Sessions;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Email;
using Portal.Resources;

namespace Portal.Features.PasswordReset;

/// <summary>
/// Sets a new password from a reset link. The token is bound to the security stamp, which the reset
/// rotates: the link works once, and every other session ends at its next stamp check. The user is not
/// signed in here, so two-factor is never bypassed: they log in normally (ASVS 6.4.3).
/// </summary>
[AllowAnonymous]
[WithoutAccountScope]
[RequiresFeature(PortalFeature.ForgotPassword)]
public sealed class ResetModel(
    PortalDb db,
    UserManager<PortalUser> users,
    OperatorSettingsCache settingsCache,
    EmailOutbox outbox,
    ActivityLog activity,
    TimeProvider time,
    IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public string? Problem { get; private set; }

    public bool Done { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var ct = HttpContext.RequestAborted;
        var settings = await settingsCache.GetAsync(ct);
        if (string.IsNullOrEmpty(Password) || Password != ConfirmPassword)
        {
            ModelState.AddModelError(nameof(ConfirmPassword), l["The two passwords are not the same."]);
            return Page();
        }

        var user = string.IsNullOrEmpty(Email) || string.IsNullOrEmpty(Token) ? null : await users.FindByEmailAsync(Email);
        if (user is null)
        {
            return await FailAsync(null);
        }

        var result = await users.ResetPasswordAsync(user, Token!, Password);
        if (!result.Succeeded)
        {
            if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken)))
            {
                return await FailAsync(user);
            }

            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(nameof(Password), error.Description);
            }

            return Page();
        }

        // Every session of the user ends now in the session store (the new stamp alone would take
        // up to a minute to be noticed); the browser that reset is not signed in, so none is kept.
        await db.RevokeOtherSessionsAsync(user.Id, null, time.GetUtcNow().UtcDateTime, ct);

        // The e-mail just proved the user; a lockout from someone guessing the old password ends here.
        await users.ResetAccessFailedCountAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        outbox.Enqueue(user.Email!, l["Your {0} password was changed", settings.Name],
            l["The password of your {0} login was changed with a reset link. If this was not you, reset your password now and contact us.", settings.Name],
            null, "password-changed");
        activity.Record("password.reset_completed", user.Id, subject: user.Email);
        await db.SaveChangesAsync(ct);
        Done = true;
        return Page();
    }

    private async Task<IActionResult> FailAsync(PortalUser? user)
    {
        // The e-mail comes from the link's query string: any length, so cut to the column's.
        var subject = Email is { Length: > 256 } ? Email[..256] : Email;
        activity.Record("password.reset_failed", user?.Id, detail: "invalid or expired link", subject: subject);
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        Problem = l["This link is not valid anymore: it was used already, or it is older than 30 minutes. Ask for a new one."];
        return Page();
    }
}
