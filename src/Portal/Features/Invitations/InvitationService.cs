using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Identity;
using Portal.Infrastructure;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Email;
using Portal.Infrastructure.Events;
using Portal.Resources;

namespace Portal.Features.Invitations;

/// <summary>What an invitation command came to: mapped to a page error or to ProblemDetails by the caller.</summary>
public abstract record InvitationResult
{
    public sealed record Success(long InvitationId, DateTime ExpiresAt) : InvitationResult;

    /// <summary>A field the caller got wrong (<c>email</c>, <c>permissions</c>, <c>invitation</c>), with a message for a person.</summary>
    public sealed record Invalid(string Field, string Message) : InvitationResult;

    public sealed record NotFound : InvitationResult;
}

/// <summary>What a presented invitation link is worth.</summary>
public enum LinkState
{
    Valid,
    Unknown,
    Expired,
    Used,
    Revoked,
}

/// <summary>
/// Invites an e-mail address to an account, resends and revokes invitations, and accepts them. Free of
/// HTTP: the console uses it now, the integration API later. Each command is one unit of work with its
/// e-mail, integration event and activity entry.
/// </summary>
public sealed class InvitationService(
    PortalDb db,
    TimeProvider time,
    OperatorSettingsCache settingsCache,
    EmailOutbox outbox,
    IntegrationEvents events,
    ActivityLog activity,
    Admin.Audit.StaffAudit audit,
    PublicLinks links,
    IStringLocalizer<SharedResource> l)
{
    /// <summary>
    /// Invites the address. <paramref name="inviterHolds"/> is what a customer's user administrator holds
    /// on the account (null for staff and the API): nobody invites with a permission they lack.
    /// </summary>
    public async Task<InvitationResult> InviteAsync(long accountId, string email, Permissions permissions, string? invitedByUserId, CancellationToken ct = default, Permissions? inviterHolds = null)
    {
        email = (email ?? "").Trim();
        if (email.Length is 0 or > 256 || !new EmailAddressAttribute().IsValid(email) || !email.Contains('.', StringComparison.Ordinal))
        {
            return new InvitationResult.Invalid("email", l["Enter a valid e-mail address."]);
        }

        if (permissions == Permissions.None || (permissions & ~Permissions.All) != 0)
        {
            return new InvitationResult.Invalid("permissions", l["Choose at least one permission."]);
        }

        if (Users.AccountUsers.Lacking(permissions, inviterHolds) is var missing and not Permissions.None)
        {
            return new InvitationResult.Invalid("permissions", Users.AccountUsers.LackingMessage(missing, l));
        }

        // Whoever may do anything on an account may see it.
        permissions |= Permissions.View;
        var account = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId && a.PortalEnabled)
            .Select(a => new { a.Id, a.Number, a.Name, a.ExternalId }).FirstOrDefaultAsync(ct);
        if (account is null)
        {
            return new InvitationResult.NotFound();
        }

        var normalized = email.ToUpperInvariant();
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized && u.IsStaff, ct))
        {
            // Staff work in the console and belong to no customer account.
            return new InvitationResult.Invalid("email", l["This e-mail address belongs to a staff login, which cannot join a customer account."]);
        }

        var alreadyMember = await db.Memberships.AnyAsync(m => m.AccountId == accountId && m.User!.NormalizedEmail == normalized, ct);
        if (alreadyMember)
        {
            return new InvitationResult.Invalid("email", l["This e-mail address already has access to this account."]);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var lowered = email.ToLowerInvariant();
        var pending = await db.Invitations.AnyAsync(i => i.AccountId == accountId && i.Email == lowered && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct);
        if (pending)
        {
            return new InvitationResult.Invalid("email", l["An invitation to this e-mail address is pending. Resend it instead."]);
        }

        var settings = await settingsCache.GetAsync(ct);
        var (token, hash) = Invitation.NewToken();
        var invitation = new Invitation
        {
            AccountId = accountId,
            Email = lowered,
            Permissions = permissions,
            TokenHash = hash,
            InvitedByUserId = invitedByUserId,
            CreatedAt = now,
            SentAt = now,
            ExpiresAt = now.AddHours(Lifetime(settings)),
        };
        db.Invitations.Add(invitation);
        SendEmail(invitation, token, account.Number, account.Name, settings.Name);
        events.Record("user.invited", accountId, account.ExternalId, new { email = lowered, permissions = permissions.ToString(), expiresAt = invitation.ExpiresAt });
        activity.Record("invitation.sent", invitedByUserId, accountId, detail: PermissionsDetail(permissions), subject: lowered);
        audit.Record("invitation.sent", "invitation", $"{account.Number}/{lowered}", null, new { Email = lowered, Permissions = permissions.ToString(), invitation.ExpiresAt });
        await db.SaveChangesAsync(ct);
        return new InvitationResult.Success(invitation.Id, invitation.ExpiresAt);
    }

    /// <summary>
    /// A new link and a new expiry; the old link stops working at once. With <paramref name="accountId"/>
    /// (an API caller acting for one account) an invitation of another account is not found.
    /// </summary>
    public async Task<InvitationResult> ResendAsync(long invitationId, string? byUserId, CancellationToken ct = default, long? accountId = null)
    {
        var invitation = await db.Invitations.Include(i => i.Account)
            .FirstOrDefaultAsync(i => i.Id == invitationId && (accountId == null || i.AccountId == accountId), ct);
        if (invitation is null)
        {
            return new InvitationResult.NotFound();
        }

        if (invitation.AcceptedAt is not null || invitation.RevokedAt is not null)
        {
            return new InvitationResult.Invalid("invitation", l["This invitation was already accepted or revoked."]);
        }

        var settings = await settingsCache.GetAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var (token, hash) = Invitation.NewToken();
        var previousExpiry = invitation.ExpiresAt;
        invitation.TokenHash = hash;
        invitation.SentAt = now;
        invitation.ExpiresAt = now.AddHours(Lifetime(settings));
        SendEmail(invitation, token, invitation.Account!.Number, invitation.Account.Name, settings.Name);
        activity.Record("invitation.resent", byUserId, invitation.AccountId, subject: invitation.Email);
        audit.Record("invitation.resent", "invitation", invitation.Id.ToString(CultureInfo.InvariantCulture), new { ExpiresAt = previousExpiry }, new { invitation.Email, invitation.ExpiresAt });
        await db.SaveChangesAsync(ct);
        return new InvitationResult.Success(invitation.Id, invitation.ExpiresAt);
    }

    public async Task<InvitationResult> RevokeAsync(long invitationId, string? byUserId, CancellationToken ct = default, long? accountId = null)
    {
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.Id == invitationId && (accountId == null || i.AccountId == accountId), ct);
        if (invitation is null)
        {
            return new InvitationResult.NotFound();
        }

        if (invitation.AcceptedAt is not null || invitation.RevokedAt is not null)
        {
            return new InvitationResult.Invalid("invitation", l["This invitation was already accepted or revoked."]);
        }

        invitation.RevokedAt = time.GetUtcNow().UtcDateTime;
        activity.Record("invitation.revoked", byUserId, invitation.AccountId, subject: invitation.Email);
        audit.Record("invitation.revoked", "invitation", invitation.Id.ToString(CultureInfo.InvariantCulture), new { invitation.Email, RevokedAt = (DateTime?)null }, new { invitation.Email, invitation.RevokedAt });
        await db.SaveChangesAsync(ct);
        return new InvitationResult.Success(invitation.Id, invitation.ExpiresAt);
    }

    /// <summary>Finds the invitation a link names, and says whether it may still be accepted.</summary>
    public async Task<(LinkState State, Invitation? Invitation)> CheckAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return (LinkState.Unknown, null);
        }

        var hash = Invitation.Hash(token);
        var invitation = await db.Invitations.AsNoTracking().Include(i => i.Account).FirstOrDefaultAsync(i => i.TokenHash == hash, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var state = invitation switch
        {
            null => LinkState.Unknown,
            { AcceptedAt: not null } => LinkState.Used,
            { RevokedAt: not null } => LinkState.Revoked,
            _ when invitation.ExpiresAt <= now => LinkState.Expired,
            _ => LinkState.Valid,
        };
        return (state, invitation);
    }

    /// <summary>Records a link that could not be used, in the activity trail of the account it named (if any).</summary>
    public async Task RecordFailureAsync(LinkState state, Invitation? invitation, CancellationToken ct = default)
    {
        activity.Record("invitation.failed", null, invitation?.AccountId, detail: state.ToString().ToLowerInvariant(), subject: invitation?.Email);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Gives the user the invited membership, once: the invitation is claimed with a conditional update,
    /// so two concurrent acceptances cannot both succeed. An existing membership keeps its permissions.
    /// Returns null when the invitation was no longer pending, else whether a membership already existed.
    /// Runs inside the caller's transaction when there is one.
    /// </summary>
    public async Task<bool?> AcceptAsync(long invitationId, PortalUser user, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var claimed = await db.Invitations
            .Where(i => i.Id == invitationId && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedByUserId, user.Id), ct);
        if (claimed != 1)
        {
            return null;
        }

        var invitation = await db.Invitations.AsNoTracking().Include(i => i.Account).FirstAsync(i => i.Id == invitationId, ct);
        var existing = await db.Memberships.AnyAsync(m => m.UserId == user.Id && m.AccountId == invitation.AccountId, ct);
        if (!existing)
        {
            db.Memberships.Add(new Membership { UserId = user.Id, AccountId = invitation.AccountId, Permissions = invitation.Permissions, CreatedAt = now });
        }

        activity.Record("invitation.accepted", user.Id, invitation.AccountId,
            detail: existing ? "membership existed; permissions unchanged" : PermissionsDetail(invitation.Permissions), subject: invitation.Email);
        events.Record("user.joined", invitation.AccountId, invitation.Account!.ExternalId, new { email = invitation.Email, permissions = invitation.Permissions.ToString(), existingMembership = existing });
        await db.SaveChangesAsync(ct);
        return existing;
    }

    private void SendEmail(Invitation invitation, string token, string accountNumber, string accountName, string operatorName)
    {
        var link = links.To("/invitations/accept?token=" + Uri.EscapeDataString(token));
        var expires = invitation.ExpiresAt.ToString("u", CultureInfo.InvariantCulture);
        var subject = l["You are invited to the {0} customer portal", operatorName];
        var body = l["You have been invited to account {0} ({1}) on the {2} customer portal.\n\nAccept the invitation: {3}\n\nThe link works once and expires at {4} (UTC). If you did not expect this e-mail, ignore it.",
            accountNumber, accountName, operatorName, link, expires];
        outbox.Enqueue(invitation.Email, subject, body, null, "invitation", invitation.AccountId);
    }

    private static int Lifetime(Features.Operator.OperatorSettings settings) =>
        settings.InvitationLifetimeHours is > 0 and <= 24 * 30 ? settings.InvitationLifetimeHours : 72;

    private static string PermissionsDetail(Permissions permissions) => "permissions: " + permissions.ToString();
}
