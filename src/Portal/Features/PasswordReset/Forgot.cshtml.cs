using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Identity;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Email;
using Portal.Resources;

namespace Portal.Features.PasswordReset;

/// <summary>
/// Asks for a reset link by e-mail. The answer, and the work done before it, are the same whether or
/// not the address belongs to a login (ASVS 6.3.8): one lookup, one password hash, one write.
/// </summary>
[AllowAnonymous]
[WithoutAccountScope]
[RequiresFeature(PortalFeature.ForgotPassword)]
public sealed class ForgotModel(
    PortalDb db,
    UserManager<PortalUser> users,
    OperatorSettingsCache settingsCache,
    EmailOutbox outbox,
    ActivityLog activity,
    PublicLinks links,
    IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    public bool Sent { get; private set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var ct = HttpContext.RequestAborted;
        var settings = await settingsCache.GetAsync(ct);
        var email = (Email ?? "").Trim();
        if (email.Length is 0 or > 256 || !email.Contains('@', StringComparison.Ordinal))
        {
            Error = l["Enter the e-mail address of your login."];
            return Page();
        }

        var user = await users.FindByEmailAsync(email);
        // Comparable work on both paths; the hash dominates the time either way.
        users.PasswordHasher.HashPassword(user ?? new PortalUser(), email);
        if (user is null)
        {
            activity.Record("password.reset_requested", null, detail: "no login with this e-mail", subject: email);
        }
        else
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            var link = links.To($"/reset-password?token={Uri.EscapeDataString(token)}&email={Uri.EscapeDataString(user.Email!)}");
            var subject = l["Reset your {0} password", settings.Name];
            var body = l["Someone, probably you, asked to reset the password of your {0} login.\n\nChoose a new password: {1}\n\nThe link works once, for 30 minutes. If you did not ask for it, ignore this e-mail: your password stays as it is.",
                settings.Name, link];
            outbox.Enqueue(user.Email!, subject, body, null, "password-reset");
            activity.Record("password.reset_requested", user.Id, subject: email);
        }

        await db.SaveChangesAsync(ct);
        Sent = true;
        return Page();
    }
}
