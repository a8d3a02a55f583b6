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
        _ => detail,
    };

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
}
