using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Identity;
using Portal.Features.Operator;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Events;
using Portal.Resources;

namespace Portal.Features.Registration;

/// <summary>
/// First-time registration by account phone number, where the operator switches it on. The e-mail and
/// ZIP/postal code on file prove the claim; only credit accounts with documents qualify. Every refusal
/// gets one message that names no detail, after comparable work, and its real reason goes to the trail.
/// </summary>
[AllowAnonymous]
[WithoutAccountScope]
[RequiresFeature(PortalFeature.RegistrationByPhone)]
public sealed class IndexModel(
    PortalDb db,
    UserManager<PortalUser> users,
    ActivityLog activity,
    IntegrationEvents events,
    TimeProvider time,
    IStringLocalizer<SharedResource> l) : PageModel
{
    /// <summary>
    /// What a registered user may do: see and pay. Knowing the phone, e-mail and ZIP code on file is a weak
    /// proof, so managing users, ordering and quotes come from an invitation by the operator or by the
    /// account's user administrator, not from self-registration.
    /// </summary>
    public const Permissions DefaultPermissions = Permissions.View | Permissions.SeeMoney | Permissions.Pay;

    [BindProperty]
    public RegisterInput Input { get; set; } = new();

    public string? Error { get; private set; }

    public bool Registered { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var ct = HttpContext.RequestAborted;
        var digits = new string((Input.Phone ?? "").Where(char.IsAsciiDigit).ToArray());
        var email = (Input.Email ?? "").Trim();
        var zip = NormalizeZip(Input.PostalCode);
        if (digits.Length is < 7 or > 20 || email.Length is 0 or > 256 || zip.Length is 0 or > 20)
        {
            Error = l["Enter the phone number, e-mail address and ZIP or postal code of your account."];
            return Page();
        }

        if (string.IsNullOrEmpty(Input.Password) || Input.Password != Input.ConfirmPassword)
        {
            ModelState.AddModelError("Input.ConfirmPassword", l["The two passwords are not the same."]);
            return Page();
        }

        // The password policy first, on a user that does not exist yet, so that its answer says nothing
        // about whether the account details are right.
        var prospective = new PortalUser { UserName = email, Email = email };
        var policy = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, prospective, Input.Password);
            policy.AddRange(result.Errors.Select(e => e.Description));
        }

        if (policy.Count > 0)
        {
            foreach (var message in policy)
            {
                ModelState.AddModelError("Input.Password", message);
            }

            return Page();
        }

        var candidates = await db.Accounts.AsNoTracking()
            .Where(a => a.Phone == digits)
            .Select(a => new
            {
                a.Id,
                a.ExternalId,
                a.Number,
                a.Email,
                a.PostalCode,
                a.Type,
                a.PortalEnabled,
                HasHistory = db.Invoices.Any(i => i.AccountId == a.Id) || db.CreditMemos.Any(c => c.AccountId == a.Id) || db.Payments.Any(p => p.AccountId == a.Id),
            })
            .Take(10)
            .ToListAsync(ct);
        var match = candidates.FirstOrDefault(a =>
            string.Equals(a.Email?.Trim(), email, StringComparison.OrdinalIgnoreCase) && NormalizeZip(a.PostalCode) == zip);
        var refusal = match switch
        {
            null => "details do not match",
            { Type: not AccountType.Credit } => "not a credit account",
            { PortalEnabled: false } => "portal disabled for the account",
            { HasHistory: false } => "account has no documents",
            _ => null,
        };
        if (refusal is null && (await users.FindByEmailAsync(match!.Email!) is not null
            || await db.Users.AnyAsync(u => u.PhoneNumber == digits && u.PhoneNumberConfirmed, ct)))
        {
            refusal = "already registered";
        }

        if (refusal is not null)
        {
            // The work a successful registration does (one password hash, one write), so that the time
            // taken does not tell a right detail from a wrong one.
            users.PasswordHasher.HashPassword(prospective, Input.Password);
            activity.Record("registration.failed", null, match?.Id, detail: refusal, subject: digits);
            await db.SaveChangesAsync(ct);
            Error = l["We could not match these details to an account that can register. Check them against a recent invoice, or contact us."];
            return Page();
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        // The e-mail on file is the login; it is not confirmed, since no link proved it. The phone number
        // is the proof just given.
        var user = new PortalUser
        {
            UserName = match!.Email!.Trim(),
            Email = match.Email.Trim(),
            PhoneNumber = digits,
            PhoneNumberConfirmed = true,
            CreatedAt = now,
        };
        var created = await users.CreateAsync(user, Input.Password);
        if (!created.Succeeded)
        {
            foreach (var error in created.Errors)
            {
                ModelState.AddModelError("Input.Password", error.Description);
            }

            return Page();
        }

        db.Memberships.Add(new Membership { UserId = user.Id, AccountId = match.Id, Permissions = DefaultPermissions, CreatedAt = now });
        activity.Record("registration.succeeded", user.Id, match.Id, detail: "permissions: " + DefaultPermissions.ToString(), subject: digits);
        events.Record("user.registered", match.Id, match.ExternalId, new { email = user.Email, phone = digits, permissions = DefaultPermissions.ToString() });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        Registered = true;
        return Page();
    }

    private static string NormalizeZip(string? zip) =>
        new string((zip ?? "").Where(char.IsAsciiLetterOrDigit).ToArray()).ToUpperInvariant();

    public sealed class RegisterInput
    {
        public string? Phone { get; set; }

        public string? Email { get; set; }

        public string? PostalCode { get; set; }

        public string? Password { get; set; }

        public string? ConfirmPassword { get; set; }
    }
}
