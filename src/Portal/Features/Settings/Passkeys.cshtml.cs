using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;
using Portal.Features.Identity;
using Portal.Features.Passkeys;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Resources;

namespace Portal.Features.Settings;

/// <summary>The user's passkeys: add one (wwwroot/js/passkeys.js does the browser part), rename, remove.</summary>
[WithoutAccountScope]
[IdentitySetup.AlsoForStaff]
public sealed class PasskeysModel(
    SignInManager<PortalUser> signIn,
    ActivityLog activity,
    IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty]
    public string? CredentialJson { get; set; }

    [BindProperty]
    [StringLength(100)]
    public string? Name { get; set; }

    public IReadOnlyList<PasskeyRow> Passkeys { get; private set; } = [];

    public string? Error { get; private set; }

    private UserManager<PortalUser> Users => signIn.UserManager;

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await Users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        await LoadAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAddAsync()
    {
        var user = await Users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        var passkeys = await Users.GetPasskeysAsync(user);
        if (passkeys.Count >= PasskeyEndpoints.MaxPasskeysPerUser)
        {
            Error = l["You have the most passkeys allowed. Remove one first."];
            await LoadAsync(user);
            return Page();
        }

        PasskeyAttestationResult? attestation = null;
        if (!string.IsNullOrWhiteSpace(CredentialJson) && CredentialJson.Length <= 65_536)
        {
            try
            {
                attestation = await signIn.PerformPasskeyAttestationAsync(CredentialJson);
            }
            catch (InvalidOperationException)
            {
                // No registration was started from this browser, or it timed out.
            }
        }

        // The ceremony's state names the user it was started for: it must be the one signed in.
        if (attestation is not { Succeeded: true } || attestation.UserEntity.Id != user.Id)
        {
            Error = l["The passkey could not be added. Try again."];
            activity.Record("passkey.add_failed", user.Id);
            await LoadAsync(user);
            return Page();
        }

        attestation.Passkey.Name = string.IsNullOrWhiteSpace(Name) ? l["Passkey {0}", passkeys.Count + 1].Value : Name.Trim();
        activity.Record("passkey.added", user.Id, detail: attestation.Passkey.Name);
        var result = await Users.AddOrUpdatePasskeyAsync(user, attestation.Passkey);
        if (!result.Succeeded)
        {
            Error = l["The passkey could not be added. Try again."];
            await LoadAsync(user);
            return Page();
        }

        TempData["Settings.Status"] = l["Passkey added. You can now log in with it."].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRenameAsync(string? id)
    {
        var user = await Users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        var passkey = CredentialIdOf(id) is { } credentialId ? await Users.GetPasskeyAsync(user, credentialId) : null;
        if (passkey is null)
        {
            return NotFound();
        }

        if (string.IsNullOrWhiteSpace(Name) || !ModelState.IsValid)
        {
            Error = l["Give the passkey a name of up to 100 characters."];
            await LoadAsync(user);
            return Page();
        }

        passkey.Name = Name.Trim();
        await Users.AddOrUpdatePasskeyAsync(user, passkey);
        TempData["Settings.Status"] = l["Passkey renamed."].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? id)
    {
        var user = await Users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        var passkey = CredentialIdOf(id) is { } credentialId ? await Users.GetPasskeyAsync(user, credentialId) : null;
        if (passkey is null)
        {
            return NotFound();
        }

        activity.Record("passkey.removed", user.Id, detail: passkey.Name);
        await Users.RemovePasskeyAsync(user, passkey.CredentialId);
        TempData["Settings.Status"] = l["Passkey removed."].Value;
        return RedirectToPage();
    }

    private async Task LoadAsync(PortalUser user) =>
        Passkeys = (await Users.GetPasskeysAsync(user))
            .OrderBy(p => p.CreatedAt)
            .Select(p => new PasskeyRow(WebEncoders.Base64UrlEncode(p.CredentialId), p.Name ?? "", p.CreatedAt.UtcDateTime, p.IsBackedUp))
            .ToList();

    private static byte[]? CredentialIdOf(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 2048)
        {
            return null;
        }

        try
        {
            return WebEncoders.Base64UrlDecode(id);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public sealed record PasskeyRow(string Id, string Name, DateTime CreatedAt, bool Synced);
}
