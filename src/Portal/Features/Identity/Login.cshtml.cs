using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Security;
using Portal.Resources;

namespace Portal.Features.Identity;

[AllowAnonymous]
[WithoutAccountScope]
public sealed class LoginModel(
    SignInManager<PortalUser> signIn,
    PortalDb db,
    OperatorSettingsCache settingsCache,
    TimeProvider time,
    IStringLocalizer<SharedResource> l,
    ActivityLog activity) : PageModel
{
    [BindProperty]
    public LoginInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public OperatorSettings Settings { get; private set; } = new();

    public IReadOnlyList<CultureInfo> Languages { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (User.Identity?.IsAuthenticated == true)
        {
            return LocalRedirect(SafeReturnUrl());
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadAsync();
        if (!ModelState.IsValid)
        {
            Error = l["Enter your e-mail (or phone number) and your password."];
            return Page();
        }

        var user = await FindUserAsync(Input.Login.Trim());
        if (user is null)
        {
            // Same answer, and comparable work, as a wrong password: no hint that the login exists.
            signIn.UserManager.PasswordHasher.HashPassword(new PortalUser(), Input.Password);
            await RecordAsync("login.failed", null, "unknown login");
            Error = FailedMessage();
            return Page();
        }

        var result = await signIn.PasswordSignInAsync(user, Input.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            // A direct update, not UserManager.UpdateAsync: that would rotate the concurrency stamp and
            // make a parallel sign-in of the same user fail its own (lockout-reset) update.
            var now = time.GetUtcNow().UtcDateTime;
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastLoginAt, now));
            activity.Record("login.succeeded", user.Id, subject: Input.Login.Trim());
            await db.SaveChangesAsync(HttpContext.RequestAborted);
            if (user.PreferredCulture is { Length: > 0 } culture)
            {
                CultureEndpoint.Remember(Response, culture);
            }

            return LocalRedirect(user.IsStaff && ReturnUrl is null ? "/admin" : SafeReturnUrl());
        }

        if (result.RequiresTwoFactor)
        {
            return RedirectToPage("/Identity/LoginTwoFactor", new { ReturnUrl });
        }

        // A disabled login is told so, but only to someone who knows its password: to anyone else it
        // answers like every other failure, so the message confirms nothing about the login.
        if (result.IsNotAllowed && user.DisabledAt is not null && await signIn.UserManager.CheckPasswordAsync(user, Input.Password))
        {
            await RecordAsync("login.disabled", user.Id, null);
            Error = l["This login has been disabled. Ask your company's user administrator or contact us to have it enabled again."];
            return Page();
        }

        if (result.IsLockedOut)
        {
            // Identity refuses a locked-out user before hashing: hash anyway, so that the answer takes as
            // long as any other failure. The text is the one every failure gets: a lockout message only
            // known logins could earn would tell an attacker that the login exists.
            signIn.UserManager.PasswordHasher.HashPassword(new PortalUser(), Input.Password);
            await RecordAsync("login.locked_out", user.Id, null);
            Error = FailedMessage();
            return Page();
        }

        await RecordAsync("login.failed", user.Id, "wrong password");
        Error = FailedMessage();
        return Page();
    }

    // One answer for an unknown login, a wrong password and a locked login alike; it says what a
    // locked-out user needs to know without saying whether this login is one.
    private string FailedMessage() =>
        l["That e-mail or phone number and password do not match our records. After {0} failed attempts a login is locked for {1} minutes; resetting the password unlocks it at once.",
            signIn.Options.Lockout.MaxFailedAccessAttempts, (int)signIn.Options.Lockout.DefaultLockoutTimeSpan.TotalMinutes];

    // The activity trail (ASVS 16): the submitted login is the subject, so failures for unknown logins show too.
    private async Task RecordAsync(string action, string? userId, string? detail)
    {
        activity.Record(action, userId, detail: detail, subject: Input.Login.Trim());
        await db.SaveChangesAsync(HttpContext.RequestAborted);
    }

    // A customer may log in with the e-mail address or with the phone number of an account they
    // registered for (digits only, as stored).
    private async Task<PortalUser?> FindUserAsync(string login)
    {
        if (LoginNames.IsEmail(login))
        {
            return await signIn.UserManager.FindByEmailAsync(login);
        }

        if (LoginNames.PhoneDigits(login) is not { } digits)
        {
            return null;
        }

        return await db.Users.FirstOrDefaultAsync(u => u.PhoneNumber == digits && u.PhoneNumberConfirmed);
    }

    private async Task LoadAsync()
    {
        Settings = await settingsCache.GetAsync(HttpContext.RequestAborted);
        Languages = CultureEndpoint.Offered(Settings);
    }

    private string SafeReturnUrl() => ReturnUrls.LocalOrDefault(ReturnUrl);

    public sealed class LoginInput
    {
        [Required]
        [StringLength(256)]
        public string Login { get; set; } = "";

        [Required]
        [StringLength(256)]
        [DataType(DataType.Password)]
        public string Password { get; set; } = "";
    }
}
