using System.ComponentModel.DataAnnotations;
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
/// Change e-mail: re-enter the password (ASVS 7.5.1); a link goes to the new address and a notice to
/// the old one (ASVS 6.3.7); nothing changes until the link is followed.
/// </summary>
[WithoutAccountScope]
public sealed class EmailModel(
    SignInManager<PortalUser> signIn,
    PortalDb db,
    EmailChangeTokens tokens,
    ActivityLog activity,
    EmailOutbox outbox,
    OperatorSettingsCache settingsCache,
    IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty]
    public EmailInput Input { get; set; } = new();

    public string CurrentEmail { get; private set; } = "";

    public string? SentTo { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await signIn.UserManager.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        CurrentEmail = user.Email ?? "";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var users = signIn.UserManager;
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        CurrentEmail = user.Email ?? "";
        var newEmail = Input.NewEmail.Trim();
        if (ModelState.IsValid && string.Equals(newEmail, user.Email, StringComparison.OrdinalIgnoreCase))
        {
            ModelState.AddModelError("Input.NewEmail", l["That is already your e-mail address."]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var check = await signIn.CheckPasswordSignInAsync(user, Input.Password, lockoutOnFailure: true);
        if (!check.Succeeded)
        {
            ModelState.AddModelError("Input.Password", check.IsLockedOut
                ? l["Too many wrong passwords. Try again later."]
                : l["That is not your password."]);
            return Page();
        }

        var settings = await settingsCache.GetAsync(ct);
        // An address that belongs to someone else gets no link, and the answer is the same: this page
        // does not tell who has an account.
        if (await users.FindByEmailAsync(newEmail) is null)
        {
            var link = Url.PageLink("/Settings/ConfirmEmail", values: new { token = tokens.Create(user, newEmail) })!;
            outbox.Enqueue(
                newEmail,
                l["Confirm your new e-mail address"],
                l["To use this address for your {0} account, follow this link within 24 hours: {1}\n\nIf you did not ask for this, ignore this message; nothing changes.", settings.Name, link],
                null,
                "email-change-confirm");
        }

        if (user.Email is not null)
        {
            outbox.Enqueue(
                user.Email,
                l["Your e-mail address is being changed"],
                l["Someone signed in to your {0} account asked to change its e-mail address to {1}. It changes only when the link sent to that address is followed. If this was not you, change your password now and contact {2}.", settings.Name, newEmail, settings.SupportEmail ?? settings.Name],
                null,
                "email-change-notice");
        }

        activity.Record("email.change_requested", user.Id, detail: newEmail);
        await db.SaveChangesAsync(ct);
        SentTo = newEmail;
        Input = new EmailInput();
        ModelState.Clear();
        return Page();
    }

    public sealed class EmailInput
    {
        [Required]
        [EmailAddress]
        [StringLength(256)]
        public string NewEmail { get; set; } = "";

        [Required]
        [DataType(DataType.Password)]
        public string Password { get; set; } = "";
    }
}
