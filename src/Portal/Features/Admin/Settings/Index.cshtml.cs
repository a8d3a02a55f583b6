using System.Globalization;
using System.Net.Mail;
using System.Reflection;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Admin.Audit;
using Portal.Features.Admin.Staff;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.Activity;
using Portal.Resources;

namespace Portal.Features.Admin.Settings;

/// <summary>The operator's settings: branding, region, languages, feature switches and limits, saved in one go.</summary>
public sealed partial class IndexModel(
    PortalDb db,
    OperatorSettingsCache cache,
    ActivityLog activity,
    StaffAudit audit,
    TimeProvider time,
    IStringLocalizer<SharedResource> l) : PageModel
{
    public static readonly string[] OfferedLanguages = ["en", "es", "fr"];

    /// <summary>Switches shown in their own groups rather than among the features.</summary>
    private static readonly HashSet<string> PaymentMethodSwitches = new(StringComparer.Ordinal)
    {
        nameof(OperatorSettings.CardPaymentsEnabled),
        nameof(OperatorSettings.BankPaymentsEnabled),
    };

    private static readonly HashSet<string> SecuritySwitches = new(StringComparer.Ordinal)
    {
        nameof(OperatorSettings.RequireTwoFactorForPayers),
        nameof(OperatorSettings.RequireTwoFactorForStaff),
    };

    // Every bool of the settings is a switch on this form: one added to OperatorSettings later shows up
    // here without anyone remembering to add it.
    private static readonly PropertyInfo[] Switches = typeof(OperatorSettings)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.PropertyType == typeof(bool) && p.CanWrite)
        .ToArray();

    private static readonly Lazy<IReadOnlyList<string>> Zones = new(() => TimeZoneInfo.GetSystemTimeZones()
        .Select(z => z.HasIanaId ? z.Id : TimeZoneInfo.TryConvertWindowsIdToIanaId(z.Id, out var iana) ? iana : null)
        .Append(OperatorDefaults.TimeZoneId)
        .Where(id => id is not null && id.Contains('/', StringComparison.Ordinal))
        .Select(id => id!)
        .Append("UTC")
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)
        .ToList());

    [BindProperty]
    public SettingsInput Input { get; set; } = new();

    [BindProperty]
    public IFormFile? Logo { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Saved { get; set; }

    public bool HasLogo { get; private set; }

    /// <summary>The overview as the posted, unsaved values would show it (after "Preview").</summary>
    public BrandPreview? Preview { get; private set; }

    public IReadOnlyList<string> TimeZones => Zones.Value;

    public static IEnumerable<string> FeatureSwitches =>
        Switches.Select(p => p.Name).Where(n => !PaymentMethodSwitches.Contains(n) && !SecuritySwitches.Contains(n));

    public static IEnumerable<string> PaymentMethodSwitchNames => Switches.Select(p => p.Name).Where(PaymentMethodSwitches.Contains);

    public static IEnumerable<string> SecuritySwitchNames => Switches.Select(p => p.Name).Where(SecuritySwitches.Contains);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var settings = await db.OperatorSettings.AsNoTracking().SingleOrDefaultAsync(ct) ?? new OperatorSettings();
        HasLogo = settings.Logo is not null;
        Input = SettingsInput.From(settings);
    }

    [RequiresStaffRole(StaffRole.Administrator)]
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var settings = await db.OperatorSettings.SingleOrDefaultAsync(ct);
        var isNew = settings is null;
        settings ??= new OperatorSettings();
        HasLogo = settings.Logo is not null;

        var logo = await ReadLogoAsync(ct);
        Validate();
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var before = SettingsInput.From(settings);
        var hadLogo = settings.Logo is not null;
        Input.ApplyTo(settings);
        var changed = before.Differences(Input).ToList();
        if (logo is not null)
        {
            settings.Logo = logo.Value.Bytes;
            settings.LogoContentType = logo.Value.ContentType;
            changed.Add("Logo");
        }
        else if (Input.RemoveLogo && settings.Logo is not null)
        {
            settings.Logo = null;
            settings.LogoContentType = null;
            changed.Add("Logo");
        }

        settings.UpdatedAt = time.GetUtcNow().UtcDateTime;
        if (isNew)
        {
            db.OperatorSettings.Add(settings);
        }

        activity.Record("settings.changed", User.FindFirstValue(ClaimTypes.NameIdentifier), detail: Truncate(string.Join(", ", changed), 500), subject: User.Identity?.Name);
        audit.Record("settings.changed", "settings", null, before.Audited(changed, hadLogo), SettingsInput.From(settings).Audited(changed, settings.Logo is not null));
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        return Redirect("/admin/settings?saved=true");
    }

    /// <summary>
    /// Shows the customer overview's branding with the posted values, checked as a save would check
    /// them, and saves nothing: the form comes back as it was posted, with the preview below it.
    /// </summary>
    [RequiresStaffRole(StaffRole.Administrator)]
    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        var settings = await db.OperatorSettings.AsNoTracking().SingleOrDefaultAsync(ct) ?? new OperatorSettings();
        HasLogo = settings.Logo is not null;
        // A file chosen for upload is not kept by a preview; it is checked all the same.
        await ReadLogoAsync(ct);
        Validate();
        if (ModelState.IsValid)
        {
            var previewed = new OperatorSettings();
            Input.ApplyTo(previewed);
            Preview = new BrandPreview(previewed.Name, previewed.PrimaryColor, previewed.AccentColor, WelcomeMessage.ToHtml(previewed.WelcomeMessage), HasLogo && !Input.RemoveLogo);
        }

        return Page();
    }

    public static string SwitchLabel(string name) => name switch
    {
        nameof(OperatorSettings.PaymentsEnabled) => "Online payments",
        nameof(OperatorSettings.AutopayEnabled) => "Autopay",
        nameof(OperatorSettings.UsageEnabled) => "Usage",
        nameof(OperatorSettings.UsageExportEnabled) => "Usage export",
        nameof(OperatorSettings.StatementsEnabled) => "Statements",
        nameof(OperatorSettings.ContractsEnabled) => "Contracts and rentals",
        nameof(OperatorSettings.OrdersEnabled) => "Orders and deliveries",
        nameof(OperatorSettings.QuotesEnabled) => "Quotes",
        nameof(OperatorSettings.ServiceCallsEnabled) => "Service calls",
        nameof(OperatorSettings.LicensesEnabled) => "Licenses",
        nameof(OperatorSettings.RegistrationByPhoneEnabled) => "Registration by phone number",
        nameof(OperatorSettings.ForgotPasswordEnabled) => "Forgot password",
        nameof(OperatorSettings.BranchesEnabled) => "Branches (branch selector on the overview)",
        nameof(OperatorSettings.RequireTwoFactorForPayers) => "Users who may pay must use two-factor authentication",
        nameof(OperatorSettings.RequireTwoFactorForStaff) => "Staff must use two-factor authentication",
        nameof(OperatorSettings.CardPaymentsEnabled) => "Cards",
        nameof(OperatorSettings.BankPaymentsEnabled) => "Bank accounts",
        nameof(OperatorSettings.DisputesEnabled) => "Invoice disputes",
        nameof(OperatorSettings.ExportsEnabled) => "Exports (CSV of lists, invoice PDFs as a ZIP)",
        nameof(OperatorSettings.PaidInvoicesDisputable) => "Paid invoices may be disputed",
        _ => Words().Replace(name.EndsWith("Enabled", StringComparison.Ordinal) ? name[..^"Enabled".Length] : name, " $1").Trim(),
    };

    public static string LanguageName(string code) => CultureInfo.GetCultureInfo(code).NativeName;

    private async Task<(byte[] Bytes, string ContentType)?> ReadLogoAsync(CancellationToken ct)
    {
        if (Logo is null || Logo.Length == 0)
        {
            return null;
        }

        var field = nameof(Logo);
        if (Logo.Length > LogoFile.MaxBytes)
        {
            ModelState.AddModelError(field, l["The logo must be at most 512 KB."]);
            return null;
        }

        using var buffer = new MemoryStream((int)Logo.Length);
        await Logo.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        var result = LogoFile.Check(bytes);
        if (!result.IsValid)
        {
            ModelState.AddModelError(field, l[result.Error!, result.Detail ?? ""]);
            return null;
        }

        return (bytes, result.ContentType!);
    }

    private void Validate()
    {
        var i = Input;
        Require(i.Name, "Input.Name", 200, l["Enter the portal's name."]);
        Limit(i.LegalName, "Input.LegalName", 200);
        Limit(i.WelcomeMessage, "Input.WelcomeMessage", 2000);
        Limit(i.SupportPhone, "Input.SupportPhone", 30);
        Limit(i.Address, "Input.Address", 500);
        Limit(i.RemitTo, "Input.RemitTo", 500);
        if (!HexColor().IsMatch(i.PrimaryColor ?? ""))
        {
            ModelState.AddModelError("Input.PrimaryColor", l["Enter a colour as # and six hexadecimal digits, e.g. #1F4E79."]);
        }
        else if (BrandColors.PrimaryContrast(i.PrimaryColor!.ToUpperInvariant()) is var primary and < BrandColors.MinimumContrast)
        {
            ModelState.AddModelError("Input.PrimaryColor", l["The primary colour has a contrast of only {0}:1 with the white text on it and the light backgrounds its links sit on; WCAG AA needs at least 4.5:1. Choose a darker colour.", BrandColors.Format(primary, CultureInfo.CurrentCulture)]);
        }

        if (!HexColor().IsMatch(i.AccentColor ?? ""))
        {
            ModelState.AddModelError("Input.AccentColor", l["Enter a colour as # and six hexadecimal digits, e.g. #1F4E79."]);
        }
        else if (BrandColors.AccentContrast(i.AccentColor!.ToUpperInvariant()) is var accent and < BrandColors.MinimumContrast)
        {
            ModelState.AddModelError("Input.AccentColor", l["The accent colour has a contrast of only {0}:1 with the white text on it; WCAG AA needs at least 4.5:1. Choose a darker colour.", BrandColors.Format(accent, CultureInfo.CurrentCulture)]);
        }

        if (i.TimeZoneId is null || !TimeZones.Contains(i.TimeZoneId, StringComparer.Ordinal))
        {
            ModelState.AddModelError("Input.TimeZoneId", l["Choose a time zone from the list."]);
        }

        i.Currency = i.Currency?.Trim().ToUpperInvariant();
        if (!Currencies.IsKnown(i.Currency))
        {
            ModelState.AddModelError("Input.Currency", l["Enter a three-letter ISO currency code the portal knows, e.g. USD."]);
        }

        i.Languages = OfferedLanguages.Where(code => i.Languages.Contains(code, StringComparer.Ordinal)).ToList();
        if (i.Languages.Count == 0)
        {
            ModelState.AddModelError("Input.Languages", l["Offer at least one language."]);
        }

        if (!string.IsNullOrWhiteSpace(i.SupportEmail) && (i.SupportEmail.Length > 256 || !MailAddress.TryCreate(i.SupportEmail.Trim(), out var mail) || mail.Address != i.SupportEmail.Trim()))
        {
            ModelState.AddModelError("Input.SupportEmail", l["Enter an e-mail address such as billing@example.com."]);
        }

        if (i.InvitationLifetimeHours is < 1 or > 720)
        {
            ModelState.AddModelError("Input.InvitationLifetimeHours", l["Enter a number of hours from 1 to 720."]);
        }

        if (i.UsageExportLimit is < 1 or > 1_000_000)
        {
            ModelState.AddModelError("Input.UsageExportLimit", l["Enter a number of rows from 1 to 1,000,000."]);
        }

        if (i.AutopayReminderDays is < 0 or > 30)
        {
            ModelState.AddModelError("Input.AutopayReminderDays", l["Enter a number of days from 0 to 30."]);
        }

        var reasons = (i.DisputeReasons ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (reasons.Count == 0 || reasons.Count > 20 || reasons.Any(r => r.Length > 200) || string.Join('\n', reasons).Length > 2000)
        {
            ModelState.AddModelError("Input.DisputeReasons", l["Enter one to twenty reasons, one a line, each at most 200 characters."]);
        }
        else
        {
            i.DisputeReasons = string.Join('\n', reasons);
        }

        var branches = (i.BranchNames ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (branches.Any(b => b.IndexOf('=', StringComparison.Ordinal) is var at && (at < 1 || at == b.Length - 1)) || string.Join('\n', branches).Length > 2000)
        {
            ModelState.AddModelError("Input.BranchNames", l["Write one branch a line as code = name, for example BOS = Boston, at most 2,000 characters."]);
        }
        else
        {
            i.BranchNames = string.Join('\n', branches.Select(b => $"{b[..b.IndexOf('=', StringComparison.Ordinal)].Trim()} = {b[(b.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim()}"));
        }

        if (Autopay.AutopaySchedule.ParseRetryDays(i.AutopayRetryDays) is { } retries)
        {
            i.AutopayRetryDays = string.Join(',', retries);
        }
        else
        {
            ModelState.AddModelError("Input.AutopayRetryDays", l["Enter up to five increasing numbers of days from 1 to 60, separated by commas, for example 1,3,7."]);
        }

        i.Switches = i.Switches.Where(s => Switches.Any(p => p.Name == s)).Distinct(StringComparer.Ordinal).ToList();
    }

    private void Require(string? value, string field, int max, string message)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            ModelState.AddModelError(field, message);
        }
        else
        {
            Limit(value, field, max);
        }
    }

    private void Limit(string? value, string field, int max)
    {
        if (value is not null && value.Trim().Length > max)
        {
            ModelState.AddModelError(field, l["At most {0} characters.", max]);
        }
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex HexColor();

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex Words();

    /// <summary>What the preview panel draws: the name, colours (as a stylesheet link, the CSP allows no inline style), welcome and logo.</summary>
    public sealed record BrandPreview(string Name, string PrimaryColor, string AccentColor, string WelcomeHtml, bool ShowLogo)
    {
        public string StylesheetUrl => "/admin/settings/preview.css?primary=" + Uri.EscapeDataString(PrimaryColor) + "&accent=" + Uri.EscapeDataString(AccentColor);
    }

    public sealed class SettingsInput
    {
        public string? Name { get; set; }

        public string? LegalName { get; set; }

        public string? WelcomeMessage { get; set; }

        public string? PrimaryColor { get; set; }

        public string? AccentColor { get; set; }

        public string? TimeZoneId { get; set; }

        public string? Currency { get; set; }

        public List<string> Languages { get; set; } = [];

        public string? SupportEmail { get; set; }

        public string? SupportPhone { get; set; }

        public string? Address { get; set; }

        public string? RemitTo { get; set; }

        /// <summary>The names of the bool settings that are on.</summary>
        public List<string> Switches { get; set; } = [];

        public int InvitationLifetimeHours { get; set; }

        public int UsageExportLimit { get; set; }

        public int AutopayReminderDays { get; set; }

        public string? AutopayRetryDays { get; set; }

        /// <summary>The reasons a customer picks from to dispute an invoice, one a line.</summary>
        public string? DisputeReasons { get; set; }

        /// <summary>The branch names people read, one "CODE = Name" a line.</summary>
        public string? BranchNames { get; set; }

        public bool RemoveLogo { get; set; }

        public static SettingsInput From(OperatorSettings s) => new()
        {
            Name = s.Name,
            LegalName = s.LegalName,
            WelcomeMessage = s.WelcomeMessage,
            PrimaryColor = s.PrimaryColor,
            AccentColor = s.AccentColor,
            TimeZoneId = s.TimeZoneId,
            Currency = s.Currency,
            Languages = s.Languages.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
            SupportEmail = s.SupportEmail,
            SupportPhone = s.SupportPhone,
            Address = s.Address,
            RemitTo = s.RemitTo,
            Switches = IndexModel.Switches.Where(p => (bool)p.GetValue(s)!).Select(p => p.Name).ToList(),
            InvitationLifetimeHours = s.InvitationLifetimeHours,
            UsageExportLimit = s.UsageExportLimit,
            AutopayReminderDays = s.AutopayReminderDays,
            AutopayRetryDays = s.AutopayRetryDays,
            DisputeReasons = string.IsNullOrWhiteSpace(s.DisputeReasons) ? OperatorSettings.DefaultDisputeReasons : s.DisputeReasons,
            BranchNames = s.BranchNames,
        };

        public void ApplyTo(OperatorSettings s)
        {
            s.Name = Name!.Trim();
            s.LegalName = Blank(LegalName);
            s.WelcomeMessage = Blank(WelcomeMessage);
            s.PrimaryColor = PrimaryColor!.ToUpperInvariant();
            s.AccentColor = AccentColor!.ToUpperInvariant();
            s.TimeZoneId = TimeZoneId!;
            s.Currency = Currency!;
            s.Languages = string.Join(',', Languages);
            s.SupportEmail = Blank(SupportEmail);
            s.SupportPhone = Blank(SupportPhone);
            s.Address = Blank(Address);
            s.RemitTo = Blank(RemitTo);
            foreach (var property in IndexModel.Switches)
            {
                property.SetValue(s, Switches.Contains(property.Name, StringComparer.Ordinal));
            }

            s.InvitationLifetimeHours = InvitationLifetimeHours;
            s.UsageExportLimit = UsageExportLimit;
            s.AutopayReminderDays = AutopayReminderDays;
            s.AutopayRetryDays = AutopayRetryDays ?? "";
            s.DisputeReasons = DisputeReasons ?? OperatorSettings.DefaultDisputeReasons;
            s.BranchNames = BranchNames ?? "";
        }

        /// <summary>The names of the fields that differ, for the activity trail (never the values).</summary>
        public IEnumerable<string> Differences(SettingsInput after)
        {
            if (Name != after.Name?.Trim()) yield return nameof(Name);
            if (LegalName != Blank(after.LegalName)) yield return nameof(LegalName);
            if (WelcomeMessage != Blank(after.WelcomeMessage)) yield return nameof(WelcomeMessage);
            if (!string.Equals(PrimaryColor, after.PrimaryColor, StringComparison.OrdinalIgnoreCase)) yield return nameof(PrimaryColor);
            if (!string.Equals(AccentColor, after.AccentColor, StringComparison.OrdinalIgnoreCase)) yield return nameof(AccentColor);
            if (TimeZoneId != after.TimeZoneId) yield return nameof(TimeZoneId);
            if (Currency != after.Currency) yield return nameof(Currency);
            if (!Languages.SequenceEqual(after.Languages)) yield return nameof(Languages);
            if (SupportEmail != Blank(after.SupportEmail)) yield return nameof(SupportEmail);
            if (SupportPhone != Blank(after.SupportPhone)) yield return nameof(SupportPhone);
            if (Address != Blank(after.Address)) yield return nameof(Address);
            if (RemitTo != Blank(after.RemitTo)) yield return nameof(RemitTo);
            foreach (var name in Switches.Except(after.Switches).Concat(after.Switches.Except(Switches)))
            {
                yield return name;
            }

            if (InvitationLifetimeHours != after.InvitationLifetimeHours) yield return nameof(InvitationLifetimeHours);
            if (UsageExportLimit != after.UsageExportLimit) yield return nameof(UsageExportLimit);
            if (AutopayReminderDays != after.AutopayReminderDays) yield return nameof(AutopayReminderDays);
            if (AutopayRetryDays != after.AutopayRetryDays) yield return nameof(AutopayRetryDays);
            if (DisputeReasons != after.DisputeReasons) yield return nameof(DisputeReasons);
            if ((BranchNames ?? "") != (after.BranchNames ?? "")) yield return nameof(BranchNames);
        }

        /// <summary>The changed fields and their values here, for the audit log (the logo only as present or not).</summary>
        public SortedDictionary<string, object?> Audited(IEnumerable<string> changed, bool hasLogo)
        {
            var values = new SortedDictionary<string, object?>(StringComparer.Ordinal);
            foreach (var name in changed)
            {
                values[name] = name switch
                {
                    "Logo" => hasLogo,
                    nameof(Languages) => string.Join(',', Languages),
                    _ when IndexModel.Switches.Any(p => p.Name == name) => Switches.Contains(name, StringComparer.Ordinal),
                    _ => typeof(SettingsInput).GetProperty(name)?.GetValue(this),
                };
            }

            return values;
        }

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
