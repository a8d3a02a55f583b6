using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Admin.Staff;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Resources;

namespace Portal.Features.Identity;

/// <summary>
/// The link of a staff invitation: the invited person chooses their password. Works once (setting the
/// password rotates the security stamp the token is bound to) and only for a staff login that has none.
/// </summary>
[AllowAnonymous]
[WithoutAccountScope]
public sealed class StaffInvitationModel(PortalDb db, UserManager<PortalUser> users, ActivityLog activity, IStringLocalizer<SharedResource> l) : PageModel
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

    public async Task OnGetAsync()
    {
        if (await ValidUserAsync() is null)
        {
            Problem = InvalidLink();
        }
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await ValidUserAsync();
        if (user is null)
        {
            Problem = InvalidLink();
            return Page();
        }

        if (string.IsNullOrEmpty(Password) || Password != ConfirmPassword)
        {
            ModelState.AddModelError(nameof(ConfirmPassword), l["The two passwords are not the same."]);
            return Page();
        }

        // AddPasswordAsync validates the password and rotates the stamp: the link is spent.
        var result = await users.AddPasswordAsync(user, Password);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(nameof(Password), error.Description);
            }

            return Page();
        }

        activity.Record("staff.invitation_accepted", user.Id, subject: user.Email);
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        Done = true;
        return Page();
    }

    private async Task<PortalUser?> ValidUserAsync()
    {
        if (string.IsNullOrEmpty(Email) || string.IsNullOrEmpty(Token) || Email.Length > 256)
        {
            return null;
        }

        var user = await users.FindByEmailAsync(Email);
        if (user is null || !user.IsStaff || user.PasswordHash is not null || user.DisabledAt is not null)
        {
            return null;
        }

        return await users.VerifyUserTokenAsync(user, TokenOptions.DefaultProvider, StaffInvitations.Purpose, Token) ? user : null;
    }

    private string InvalidLink() => l["This link is not valid anymore: it was used already, or it is older than a day. Ask an administrator to send a new one."];
}
