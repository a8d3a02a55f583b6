using Microsoft.Extensions.Localization;

namespace Portal.Infrastructure.Activity;

/// <summary>How an activity-trail action and kind read to a person, in the reader's language.</summary>
public static class ActivityText
{
    /// <summary>The action in words; an action not listed here shows its dotted name rather than nothing.</summary>
    public static string Describe(string action, IStringLocalizer l) => action switch
    {
        "login.succeeded" => l["Logged in"],
        "login.failed" => l["Failed login"],
        "login.locked_out" => l["Locked out after failed logins"],
        "session.signed_out" => l["Signed out a session"],
        "session.signed_out_others" => l["Signed out all other sessions"],
        "password.changed" => l["Changed the password"],
        "password.change_failed" => l["Failed password change"],
        "password.reset_requested" => l["Asked for a password reset"],
        "password.reset_completed" => l["Reset the password"],
        "password.reset_failed" => l["Failed password reset"],
        "email.change_requested" => l["Asked to change the e-mail address"],
        "email.changed" => l["Changed the e-mail address"],
        "email.change_refused" => l["E-mail change refused"],
        "profile.updated" => l["Updated the profile"],
        "notifications.updated" => l["Changed e-mail notifications"],
        "two_factor.enabled" => l["Turned on two-factor authentication"],
        "two_factor.disabled" => l["Turned off two-factor authentication"],
        "two_factor.recovery_codes_replaced" => l["Made new recovery codes"],
        "passkey.added" => l["Added a passkey"],
        "passkey.removed" => l["Removed a passkey"],
        "passkey.add_failed" => l["Failed to add a passkey"],
        "invitation.sent" => l["Invitation sent"],
        "invitation.resent" => l["Invitation sent again"],
        "invitation.revoked" => l["Invitation revoked"],
        "invitation.accepted" => l["Invitation accepted"],
        "invitation.failed" => l["Invitation refused"],
        "user.invited" => l["User invited"],
        "user.joined" => l["User joined the account"],
        "user.registered" => l["User registered"],
        "registration.succeeded" => l["Registered"],
        "registration.failed" => l["Failed registration"],
        "membership.removed" => l["User removed from the account"],
        "membership.permissions-changed" => l["Changed a user's permissions"],
        "settings.changed" => l["Changed portal settings"],
        "invoice.downloaded" => l["Downloaded an invoice"],
        "receipt.downloaded" => l["Downloaded a payment receipt"],
        "statement.downloaded" => l["Downloaded a statement"],
        "statement.emailed" => l["Statement e-mailed"],
        "statement.subscribed" => l["Subscribed to statement e-mails"],
        "statement.subscription-changed" => l["Changed the statement e-mail schedule"],
        "statement.unsubscribed" => l["Stopped statement e-mails"],
        "statement.subscription-ended" => l["Statement e-mails ended"],
        "account.portal-enabled" => l["Account enabled for the portal"],
        "account.portal-disabled" => l["Account disabled for the portal"],
        "calloff.requested" => l["Called items off rent"],
        "license.code_revealed" => l["Revealed a license code"],
        _ => action,
    };

    /// <summary>
    /// The detail in words when it is one of the fixed phrases the portal records (the stored text is
    /// English); anything else (an e-mail, an invoice number, a passkey's name) is data and shows as is.
    /// </summary>
    public static string? Detail(string? detail, IStringLocalizer l) => detail switch
    {
        "wrong password" => l["wrong password"],
        "membership ended" => l["membership ended"],
        "unknown login" => l["unknown login"],
        "passkey" => l["passkey"],
        "recovery code" => l["Recovery code"],
        "authenticator app" => l["authenticator app"],
        "authenticator code" => l["authenticator code"],
        "this device" => l["This device"],
        "another device" => l["another device"],
        "no login with this e-mail" => l["no login with this e-mail"],
        "invalid or expired link" => l["invalid or expired link"],
        "expired or used link" => l["expired or used link"],
        "membership existed; permissions unchanged" => l["membership existed; permissions unchanged"],
        _ => PermissionChange(detail, l) ?? PermissionList(detail, l) ?? detail,
    };

    /// <summary>
    /// A permission change as recorded ("[someone@example.com: ]View, SeeMoney -> View") with each
    /// permission's name in words; null when the detail is not one.
    /// </summary>
    private static string? PermissionChange(string? detail, IStringLocalizer l)
    {
        var arrow = detail?.IndexOf(" -> ", StringComparison.Ordinal) ?? -1;
        if (detail is null || arrow < 0)
        {
            return null;
        }

        var colon = detail.LastIndexOf(": ", arrow, StringComparison.Ordinal);
        var who = colon < 0 ? "" : detail[..(colon + 2)];
        var before = Names(detail[(who.Length)..arrow], l);
        var after = Names(detail[(arrow + 4)..], l);
        return before is null || after is null ? null : $"{who}{before} → {after}";
    }

    /// <summary>The permissions a registration or invitation gave ("permissions: View, SeeMoney"), in words.</summary>
    private static string? PermissionList(string? detail, IStringLocalizer l)
    {
        const string Prefix = "permissions: ";
        return detail is not null && detail.StartsWith(Prefix, StringComparison.Ordinal) && Names(detail[Prefix.Length..], l) is { } names
            ? $"{l["Permissions"].Value}: {names}"
            : null;
    }

    private static string? Names(string flags, IStringLocalizer l)
    {
        if (!Enum.TryParse<Features.Accounts.Permissions>(flags.Trim(), out var set) || int.TryParse(flags.Trim(), out _))
        {
            return null;
        }

        var names = Enum.GetValues<Features.Accounts.Permissions>()
            .Where(p => p is not Features.Accounts.Permissions.None and not Features.Accounts.Permissions.All && (set & p) == p)
            .Select(p => l[Features.Users.AccountUsers.Name(p)].Value)
            .ToList();
        return names.Count == 0 ? l["None"].Value : string.Join(", ", names);
    }

    /// <summary>A filter kind (the part before the dot) in words.</summary>
    public static string Kind(string kind, IStringLocalizer l) => kind switch
    {
        "login" => l["Logins"],
        "password" => l["Passwords"],
        "invitation" => l["Invitations"],
        "registration" => l["Registrations"],
        "email" => l["E-mail addresses"],
        "two_factor" => l["Two-factor authentication"],
        "invoice" => l["Invoices"],
        "session" => l["Sessions"],
        "passkey" => l["Passkeys"],
        _ => kind,
    };

    /// <summary>A staff audit action (Features/Admin/Audit) in words; one not listed shows its dotted name.</summary>
    public static string DescribeAudit(string action, IStringLocalizer l) => action switch
    {
        "account.membership_removed" => l["Removed a user from an account"],
        "account.permissions_changed" => l["Changed a user's permissions"],
        "account.portal_changed" => l["Enabled or disabled an account for the portal"],
        "account.view_as_started" => l["Started viewing an account as its users do"],
        "account.view_as_ended" => l["Stopped viewing an account as its users do"],
        "invitation.sent" => l["Invitation sent"],
        "invitation.resent" => l["Invitation sent again"],
        "invitation.revoked" => l["Invitation revoked"],
        "request.assigned" => l["Assigned a request"],
        "request.replied" => l["Replied to a request"],
        "request.status_changed" => l["Changed a request's status"],
        "settings.changed" => l["Changed portal settings"],
        "staff.invited" => l["Invited a staff member"],
        "staff.invitation_resent" => l["Sent a staff invitation again"],
        "staff.role_changed" => l["Changed a staff member's role"],
        "user.disabled" => l["Disabled a login"],
        "user.enabled" => l["Enabled a login"],
        "user.signed_out_everywhere" => l["Signed a user out everywhere"],
        "user.two_factor_reset" => l["Reset a user's two-factor authentication"],
        "user.unlocked" => l["Unlocked a login"],
        _ => action,
    };
}
