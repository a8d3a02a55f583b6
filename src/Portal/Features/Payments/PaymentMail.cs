using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Identity;
using Portal.Infrastructure;
using Portal.Infrastructure.Email;
using Portal.Resources;

namespace Portal.Features.Payments;

/// <summary>Someone a payment e-mail goes to, with the language they chose.</summary>
public sealed record MailRecipient(string Email, string? Culture);

/// <summary>
/// The payment e-mails (receipt, failure, autopay reminder and pause): who receives them (only users
/// whose notification settings ask for that kind) and the text in each recipient's own language, since
/// most are written by a background job with no request to take a language from.
/// </summary>
public sealed class PaymentMail(PortalDb db, EmailOutbox outbox, PublicLinks links, OperatorSettingsCache settings, IStringLocalizer<SharedResource> l)
{
    /// <summary>The user who paid, if they want this kind of e-mail.</summary>
    public async Task<List<MailRecipient>> UserAsync(string userId, NotificationKinds kind, CancellationToken ct)
    {
        var rows = await db.Users.Where(u => u.Id == userId && u.Email != null && (u.Notifications & kind) == kind)
            .Select(u => new MailRecipient(u.Email!, u.PreferredCulture))
            .ToListAsync(ct);
        return await InOfferedLanguagesAsync(rows, ct);
    }

    /// <summary>The users who may pay for the accounts and want this kind of e-mail (autopay has no payer of its own).</summary>
    public async Task<List<MailRecipient>> PayersAsync(IReadOnlyCollection<long> accountIds, NotificationKinds kind, CancellationToken ct)
    {
        await settings.GetAsync(ct);
        var rows = await db.Memberships
            .Where(m => accountIds.Contains(m.AccountId) && (m.Permissions & Permissions.Pay) == Permissions.Pay
                && m.User!.Email != null && (m.User.Notifications & kind) == kind)
            .Select(m => new MailRecipient(m.User!.Email!, m.User.PreferredCulture))
            .ToListAsync(ct);
        return await InOfferedLanguagesAsync(rows.DistinctBy(r => r.Email, StringComparer.OrdinalIgnoreCase).ToList(), ct);
    }

    // A saved language the operator no longer offers becomes the operator's default language. One it offers is
    // kept as saved, so that formats a person chose ("fr-FR" under a US operator) still apply in Send. Loading the
    // settings here also lets Send read the operator's region (RegionalFormats) without waiting.
    private async Task<List<MailRecipient>> InOfferedLanguagesAsync(List<MailRecipient> recipients, CancellationToken ct)
    {
        var offered = WebSetup.OfferedCultures(await settings.GetAsync(ct));
        return recipients.Select(r => WebSetup.Match(offered, r.Culture) is not null ? r : r with { Culture = offered[0].Name }).ToList();
    }

    public string Link(string path) => links.To(path);

    /// <summary>Writes one e-mail in the recipient's language (the caller saves it with its own change).</summary>
    public void Send(MailRecipient to, string kind, long accountId, Func<IStringLocalizer, CultureInfo, (string Subject, string Body)> compose)
    {
        var culture = RegionalFormats.For(to.Culture, settings.Peek().Currency);
        using (CultureScope.Use(culture, WebSetup.Culture(to.Culture)))
        {
            var (subject, body) = compose(l, culture);
            outbox.Enqueue(to.Email, subject, body, null, kind, accountId);
        }
    }

    public static string Money(decimal amount, string currency, CultureInfo culture) => Currencies.Format(amount, currency, culture);
}
