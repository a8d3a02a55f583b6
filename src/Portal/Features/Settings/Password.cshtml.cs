using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Identity;
using Portal.Features.Sessions;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Email;
using Portal.Resources;

namespace Portal.Features.Settings;

/// <summary>Change password: the current one, then the new one twice; every other session ends (ASVS 6.2.3, 7.4.3).</summary>
[WithoutAccountScope]
[IdentitySetup.AlsoForStaff]
public sealed class PasswordModel(
    SignInManager<PortalUser> signIn,
    PortalDb db,
    ActivityLog activity,
    EmailOutbox outbox,
    OperatorSettingsCache settingsCache,
    TimeProvider time,
    IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty]
    public PasswordInput Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var users = signIn.UserManager;
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        // Through the sign-in manager so that guessing here counts towards the lockout like at login.
        var check = await signIn.CheckPasswordSignInAsync(user, Input.CurrentPassword, lockoutOnFailure: true);
        if (!check.Succeeded)
        {
            ModelState.AddModelError("Input.CurrentPassword", check.IsLockedOut
                ? l["Too many wrong passwords. Try again later."]
                : l["That is not your current password."]);
            activity.Record("password.change_failed", user.Id);
            await db.SaveChangesAsync(ct);
            return Page();
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var result = await users.ChangePasswordAsync(user, Input.CurrentPassword, Input.NewPassword);
            if (!result.Succeeded)
            {
                foreach (var error in result.Errors)
                {
                    ModelState.AddModelError("Input.NewPassword", error.Description);
                }

                return Page();
            }

            await db.RevokeOtherSessionsAsync(user.Id, SessionTicketStore.CurrentSessionId(HttpContext), now, ct);
            activity.Record("password.changed", user.Id);
            if (user.Email is not null)
            {
                var settings = await settingsCache.GetAsync(ct);
                outbox.Enqueue(
                    user.Email,
                    l["Your password was changed"],
                    l["The password of your {0} account was changed, and every other device was signed out. If you did not do this, reset your password now and contact {1}.", settings.Name, settings.SupportEmail ?? settings.Name],
                    null,
                    "password-changed");
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        // The security stamp changed: give this session a ticket with the new one, or it would end too.
        await signIn.RefreshSignInAsync(user);
        TempData["Settings.Status"] = l["Your password is changed. Every other device was signed out."].Value;
        return RedirectToPage();
    }

    public sealed class PasswordInput
    {
        [Required]
        [DataType(DataType.Password)]
        public string CurrentPassword { get; set; } = "";

        [Required]
        [StringLength(256, MinimumLength = 8)]
        [DataType(DataType.Password)]
        public string NewPassword { get; set; } = "";

        [Required]
        [DataType(DataType.Password)]
        [Compare(nameof(NewPassword), ErrorMessage = "The two new passwords do not match.")]
        public string ConfirmPassword { get; set; } = "";
    }
}
