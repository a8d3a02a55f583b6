using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Identity;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Resources;

namespace Portal.Features.Settings;

/// <summary>My account: profile, the current account's billing details (read only), language, notifications.</summary>
[WithoutAccountScope]
public sealed class IndexModel(
    UserManager<PortalUser> users,
    PortalDb db,
    AccountScope scope,
    OperatorSettingsCache settingsCache,
    ActivityLog activity,
    IStringLocalizer<SharedResource> l) : PageModel
{
    public static readonly NotificationKinds[] Kinds =
    [
        NotificationKinds.InvoiceIssued,
        NotificationKinds.PaymentReceipt,
        NotificationKinds.PaymentFailed,
        NotificationKinds.AutopayReminder,
        NotificationKinds.Statements,
        NotificationKinds.Marketing,
    ];

    [BindProperty]
    public ProfileInput Profile { get; set; } = new();

    [BindProperty]
    public string? Language { get; set; }

    /// <summary>Formats the person chose ("fr-FR"), or empty for the operator's region's.</summary>
    [BindProperty]
    public string? Formats { get; set; }

    [BindProperty]
    public List<NotificationKinds> Subscribed { get; set; } = [];

    public string Email { get; private set; } = "";

    public NotificationKinds Notifications { get; private set; }

    public BillingDetails? Billing { get; private set; }

    public OperatorSettings Settings { get; private set; } = new();

    public IReadOnlyList<CultureInfo> Languages { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        Profile = new ProfileInput { DisplayName = user.DisplayName ?? "", PhoneNumber = user.PhoneNumber };
        Language = user.PreferredCulture ?? CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        Formats = RegionalFormats.Chosen(user.PreferredCulture)?.Name;
        await LoadAsync(user, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostProfileAsync(CancellationToken ct)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        // Only the profile form is posted here; the other sections' fields are not part of it.
        foreach (var key in ModelState.Keys.Where(k => !k.StartsWith(nameof(Profile) + ".", StringComparison.Ordinal)).ToList())
        {
            ModelState.Remove(key);
        }

        var phone = Profile.PhoneNumber is { Length: > 0 } p ? new string(p.Where(char.IsAsciiDigit).ToArray()) : null;
        if (phone is not null && phone.Length is < 7 or > 15)
        {
            ModelState.AddModelError("Profile.PhoneNumber", l["Enter a phone number of 7 to 15 digits, or leave it empty."]);
        }

        if (!ModelState.IsValid)
        {
            Language = user.PreferredCulture;
            await LoadAsync(user, ct);
            return Page();
        }

        user.DisplayName = Profile.DisplayName.Trim();
        if (phone != user.PhoneNumber)
        {
            // A number typed here is contact information; only registration proves a number to log in with.
            user.PhoneNumber = phone;
            user.PhoneNumberConfirmed = false;
        }

        activity.Record("profile.updated", user.Id);
        await users.UpdateAsync(user);
        TempData["Settings.Status"] = l["Your profile is saved."].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostLanguageAsync(CancellationToken ct)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        var settings = await settingsCache.GetAsync(ct);
        var culture = CultureEndpoint.Offered(settings).FirstOrDefault(c => c.TwoLetterISOLanguageName == Language);
        if (culture is null)
        {
            return BadRequest();
        }

        // Formats of another language than the one chosen cannot be kept in the one preference ("fr-FR").
        var formats = string.IsNullOrEmpty(Formats) ? null : RegionalFormats.Chosen(Formats);
        if (!string.IsNullOrEmpty(Formats) && (formats is null || formats.TwoLetterISOLanguageName != culture.TwoLetterISOLanguageName))
        {
            foreach (var key in ModelState.Keys.Where(k => k != nameof(Formats)).ToList())
            {
                ModelState.Remove(key);
            }

            ModelState.AddModelError(nameof(Formats), l["Choose formats in the language you chose, or the operator's region."]);
            Profile = new ProfileInput { DisplayName = user.DisplayName ?? "", PhoneNumber = user.PhoneNumber };
            await LoadAsync(user, ct);
            return Page();
        }

        user.PreferredCulture = formats?.Name ?? culture.TwoLetterISOLanguageName;
        await users.UpdateAsync(user);
        CultureEndpoint.Remember(Response, user.PreferredCulture);
        TempData["Settings.Status"] = l["Your language is saved."].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostNotificationsAsync(CancellationToken ct)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        user.Notifications = Subscribed.Where(Kinds.Contains).Aggregate(NotificationKinds.None, (all, kind) => all | kind);
        activity.Record("notifications.updated", user.Id, detail: user.Notifications.ToString());
        await users.UpdateAsync(user);
        TempData["Settings.Status"] = l["Your e-mail subscriptions are saved."].Value;
        return RedirectToPage();
    }

    private async Task LoadAsync(PortalUser user, CancellationToken ct)
    {
        Email = user.Email ?? "";
        Notifications = user.Notifications;
        Settings = await settingsCache.GetAsync(ct);
        Languages = CultureEndpoint.Offered(Settings);
        var current = await scope.GetCurrentAsync(ct);
        if (current is not null)
        {
            Billing = await db.Accounts.AsNoTracking()
                .Where(a => a.Id == current.Id)
                .Select(a => new BillingDetails(a.Number, a.Name, a.Email, a.Phone, a.AddressLine1, a.AddressLine2, a.City, a.Region, a.PostalCode, a.Country))
                .FirstOrDefaultAsync(ct);
        }
    }

    public sealed class ProfileInput
    {
        [Required(ErrorMessage = "Enter your name.")]
        [StringLength(200)]
        [Display(Name = "Name")]
        public string DisplayName { get; set; } = "";

        [StringLength(30)]
        [Display(Name = "Phone number")]
        public string? PhoneNumber { get; set; }
    }

    public sealed record BillingDetails(
        string Number,
        string Name,
        string? Email,
        string? Phone,
        string? AddressLine1,
        string? AddressLine2,
        string? City,
        string? Region,
        string? PostalCode,
        string? Country);
}
