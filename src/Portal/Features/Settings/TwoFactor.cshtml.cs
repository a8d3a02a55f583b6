using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Portal.Features.Identity;
using Portal.Features.TwoFactor;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Resources;

namespace Portal.Features.Settings;

/// <summary>
/// Authenticator-app two-factor: set up with the shared key (or otpauth:// link), prove it with a
/// code, get ten single-use recovery codes; regenerate them or turn two-factor off after proving
/// it is you again (ASVS 7.5.1).
/// </summary>
[WithoutAccountScope]
[IdentitySetup.AlsoForStaff]
public sealed class TwoFactorModel(
    SignInManager<PortalUser> signIn,
    IUserStore<PortalUser> store,
    ActivityLog activity,
    OperatorSettingsCache settingsCache,
    IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty]
    [Display(Name = "Code")]
    public string? Code { get; set; }

    [BindProperty]
    [DataType(DataType.Password)]
    public string? Proof { get; set; }

    public bool Enabled { get; private set; }

    public bool Required { get; private set; }

    /// <summary>Staff reset the user's two-factor: it must be set up again.</summary>
    public bool WasReset { get; private set; }

    public string SharedKey { get; private set; } = "";

    public string AuthenticatorUri { get; private set; } = "";

    /// <summary>The same link as a QR code (PNG data URI) for the app to scan.</summary>
    public string QrCodeDataUri { get; private set; } = "";

    public int RecoveryCodesLeft { get; private set; }

    /// <summary>Shown once, in the response that made them.</summary>
    public IReadOnlyList<string>? NewRecoveryCodes { get; private set; }

    private UserManager<PortalUser> Users => signIn.UserManager;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var user = await Users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        await LoadAsync(user, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostEnableAsync(CancellationToken ct)
    {
        var user = await Users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (user.TwoFactorEnabled)
        {
            return RedirectToPage();
        }

        if (Totp.Normalize(Code) is not { } code
            || !await Users.VerifyTwoFactorTokenAsync(user, Users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            ModelState.AddModelError(nameof(Code), l["That code is not right. Enter the 6-digit code your app shows now."]);
            await LoadAsync(user, ct);
            return Page();
        }

        await ((IUserTwoFactorStore<PortalUser>)store).SetTwoFactorEnabledAsync(user, true, ct);
        user.MustSetUpTwoFactor = false;
        var codes = RecoveryCodes.Generate();
        await ((IUserTwoFactorRecoveryCodeStore<PortalUser>)store).ReplaceCodesAsync(user, codes, ct);
        activity.Record("two_factor.enabled", user.Id);
        // One save: the switch, the hashed codes, a new security stamp and the activity entry.
        await Users.UpdateSecurityStampAsync(user);
        await signIn.RefreshSignInAsync(user);
        NewRecoveryCodes = codes;
        await LoadAsync(user, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync(CancellationToken ct)
    {
        var user = await Users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (!user.TwoFactorEnabled)
        {
            return RedirectToPage();
        }

        if (!await ProvesItIsTheUserAsync(user))
        {
            await LoadAsync(user, ct);
            return Page();
        }

        var codes = RecoveryCodes.Generate();
        await ((IUserTwoFactorRecoveryCodeStore<PortalUser>)store).ReplaceCodesAsync(user, codes, ct);
        activity.Record("two_factor.recovery_codes_replaced", user.Id);
        await Users.UpdateAsync(user);
        NewRecoveryCodes = codes;
        await LoadAsync(user, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync(CancellationToken ct)
    {
        var user = await Users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        if (!user.TwoFactorEnabled)
        {
            return RedirectToPage();
        }

        if (!await ProvesItIsTheUserAsync(user))
        {
            await LoadAsync(user, ct);
            return Page();
        }

        await ((IUserTwoFactorStore<PortalUser>)store).SetTwoFactorEnabledAsync(user, false, ct);
        await ((IUserTwoFactorRecoveryCodeStore<PortalUser>)store).ReplaceCodesAsync(user, [], ct);
        // A new key, so that the app still holding the old one makes useless codes.
        await ((IUserAuthenticatorKeyStore<PortalUser>)store).SetAuthenticatorKeyAsync(user, Users.GenerateNewAuthenticatorKey(), ct);
        activity.Record("two_factor.disabled", user.Id);
        await Users.UpdateSecurityStampAsync(user);
        await signIn.RefreshSignInAsync(user);
        TempData["Settings.Status"] = l["Two-factor authentication is off."].Value;
        return RedirectToPage();
    }

    // The password, or a code from the app (or a recovery code), before the second factor changes.
    private async Task<bool> ProvesItIsTheUserAsync(PortalUser user)
    {
        var proof = Proof?.Trim() ?? "";
        bool ok;
        if (Totp.Normalize(proof) is { } code)
        {
            ok = await Users.VerifyTwoFactorTokenAsync(user, Users.Options.Tokens.AuthenticatorTokenProvider, code);
        }
        else if (proof.Length > 0)
        {
            ok = (await signIn.CheckPasswordSignInAsync(user, proof, lockoutOnFailure: true)).Succeeded;
        }
        else
        {
            ok = false;
        }

        if (!ok)
        {
            ModelState.AddModelError(nameof(Proof), l["Enter your password or a current code from your app."]);
        }

        return ok;
    }

    private async Task LoadAsync(PortalUser user, CancellationToken ct)
    {
        Enabled = user.TwoFactorEnabled;
        var settings = await settingsCache.GetAsync(ct);
        WasReset = !Enabled && user.MustSetUpTwoFactor;
        Required = !Enabled && (user.MustSetUpTwoFactor || (User.HasClaim(TwoFactorSetup.PayerClaim, "true") && settings.RequireTwoFactorForPayers)
            || (User.HasClaim(IdentitySetup.StaffClaim, "true") && settings.RequireTwoFactorForStaff));
        if (Enabled)
        {
            RecoveryCodesLeft = await Users.CountRecoveryCodesAsync(user);
            return;
        }

        var key = await Users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            // Saved without touching the security stamp: opening this page must not end other sessions.
            key = Users.GenerateNewAuthenticatorKey();
            await ((IUserAuthenticatorKeyStore<PortalUser>)store).SetAuthenticatorKeyAsync(user, key, ct);
            await Users.UpdateAsync(user);
        }

        SharedKey = string.Join(' ', key.Chunk(4).Select(c => new string(c))).ToLowerInvariant();
        var issuer = Uri.EscapeDataString(settings.Name);
        AuthenticatorUri = $"otpauth://totp/{issuer}:{Uri.EscapeDataString(user.Email ?? user.UserName ?? user.Id)}?secret={key}&issuer={issuer}&digits=6&period=30";
        QrCodeDataUri = AuthenticatorQrCode.DataUri(AuthenticatorUri);
    }
}
