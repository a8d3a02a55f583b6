using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Identity;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Email;
using Portal.Resources;

namespace Portal.Features.Settings;

/// <summary>
/// The link from the new address. Opening it shows a button; only the post changes anything, so a
/// mail scanner that fetches links cannot use the token up.
/// </summary>
[AllowAnonymous]
[WithoutAccountScope]
public sealed class ConfirmEmailModel(
    SignInManager<PortalUser> signIn,
    PortalDb db,
    EmailChangeTokens tokens,
    ActivityLog activity,
    EmailOutbox outbox,
    OperatorSettingsCache settingsCache,
    IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public string? NewEmail { get; private set; }

    public string? Error { get; private set; }

    public bool Done { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var (request, _) = await ReadAsync();
        if (request is null)
        {
            Error = l["This link has expired or has already been used. Ask for a new one on your account's settings page."];
            return Page();
        }

        NewEmail = request.NewEmail;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var users = signIn.UserManager;
        var (request, user) = await ReadAsync();
        if (request is null || user is null)
        {
            Error = l["This link has expired or has already been used. Ask for a new one on your account's settings page."];
            activity.Record("email.change_refused", user?.Id, detail: "expired or used link");
            await db.SaveChangesAsync(ct);
            return Page();
        }

        if (await users.FindByEmailAsync(request.NewEmail) is { } other && other.Id != user.Id)
        {
            Error = l["That address cannot be used. Ask for a change to another address."];
            return Page();
        }

        var oldEmail = user.Email;
        var usernameIsEmail = string.Equals(user.UserName, oldEmail, StringComparison.OrdinalIgnoreCase);
        user.Email = request.NewEmail;
        user.NormalizedEmail = users.NormalizeEmail(request.NewEmail);
        user.EmailConfirmed = true;
        if (usernameIsEmail)
        {
            user.UserName = request.NewEmail;
            user.NormalizedUserName = users.NormalizeName(request.NewEmail);
        }

        activity.Record("email.changed", user.Id, detail: request.NewEmail, subject: oldEmail);
        if (oldEmail is not null)
        {
            var settings = await settingsCache.GetAsync(ct);
            outbox.Enqueue(
                oldEmail,
                l["Your e-mail address was changed"],
                l["The e-mail address of your {0} account is now {1}. If you did not do this, contact {2} at once.", settings.Name, request.NewEmail, settings.SupportEmail ?? settings.Name],
                null,
                "email-changed");
        }

        // One save: the new address, a new security stamp (which voids this link and every other
        // outstanding one), the activity entry and the notice.
        var result = await users.UpdateSecurityStampAsync(user);
        if (!result.Succeeded)
        {
            Error = l["That address cannot be used. Ask for a change to another address."];
            return Page();
        }

        if (signIn.IsSignedIn(User) && users.GetUserId(User) == user.Id)
        {
            await signIn.RefreshSignInAsync(user);
        }

        Done = true;
        NewEmail = request.NewEmail;
        return Page();
    }

    private async Task<(EmailChangeTokens.Request? Request, PortalUser? User)> ReadAsync()
    {
        var request = tokens.Read(Token);
        if (request is null)
        {
            return (null, null);
        }

        var user = await signIn.UserManager.FindByIdAsync(request.UserId);
        return user is not null && request.StillValidFor(user) ? (request, user) : (null, user);
    }
}
