using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Admin.Audit;
using Portal.Features.Identity;
using Portal.Infrastructure;
using Portal.Infrastructure.Email;
using Portal.Resources;

namespace Portal.Features.Admin.Staff;

/// <summary>
/// Invites staff: the login is created without a password and the e-mail carries a link (Identity's
/// data-protected token, bound to the security stamp, one day) where the person chooses their own.
/// Nobody, staff included, ever knows it.
/// </summary>
public sealed class StaffInvitations(
    PortalDb db,
    UserManager<PortalUser> users,
    EmailOutbox outbox,
    StaffAudit audit,
    OperatorSettingsCache settingsCache,
    PublicLinks links,
    TimeProvider time,
    IStringLocalizer<SharedResource> l)
{
    public const string Purpose = "StaffInvitation";

    /// <summary>The link's token and the path it opens; the token provider is Identity's default (one day).</summary>
    public const string AcceptPath = "/staff-invitation";

    /// <summary>Null when sent, or the message for the e-mail field.</summary>
    public async Task<string?> InviteAsync(string? email, string? name, StaffRole role, CancellationToken ct)
    {
        email = (email ?? "").Trim();
        if (email.Length is 0 or > 256 || !new EmailAddressAttribute().IsValid(email) || !email.Contains('.', StringComparison.Ordinal))
        {
            return l["Enter a valid e-mail address."];
        }

        if (!Enum.IsDefined(role))
        {
            return l["Choose a role."];
        }

        name = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        if (name is { Length: > 200 })
        {
            return l["At most {0} characters.", 200];
        }

        if (await users.FindByEmailAsync(email) is { } existing)
        {
            return existing.IsStaff
                ? l["This e-mail address already has a staff login."]
                : l["This e-mail address belongs to a customer's login; staff need an address of their own."];
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = new PortalUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = name,
            IsStaff = true,
            StaffRole = role,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            return string.Join(" ", created.Errors.Select(e => e.Description));
        }

        await SendAsync(user, ct);
        audit.Record("staff.invited", "staff", user.Email, null, new { user.Email, Role = role.ToString() });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>A new link for a staff member who has not chosen a password yet; the old link stops working.</summary>
    public async Task<bool> ResendAsync(string userId, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null || !user.IsStaff || user.PasswordHash is not null)
        {
            return false;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // A new stamp ends the old link (the token is bound to it).
        await users.UpdateSecurityStampAsync(user);
        await SendAsync(user, ct);
        audit.Record("staff.invitation_resent", "staff", user.Email, null, new { user.Email });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private async Task SendAsync(PortalUser user, CancellationToken ct)
    {
        var settings = await settingsCache.GetAsync(ct);
        var token = await users.GenerateUserTokenAsync(user, TokenOptions.DefaultProvider, Purpose);
        var link = links.To($"{AcceptPath}?email={Uri.EscapeDataString(user.Email!)}&token={Uri.EscapeDataString(token)}");
        outbox.Enqueue(
            user.Email!,
            l["You are invited to the {0} console", settings.Name],
            l["You have been given a staff login to the {0} console.\n\nChoose your password: {1}\n\nThe link works once, for one day. If you did not expect this, ignore this e-mail.", settings.Name, link],
            null,
            "staff-invitation");
    }
}
