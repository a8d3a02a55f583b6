using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Email;
using Portal.Infrastructure.Events;
using Portal.Infrastructure.Workers;
using Portal.Resources;

namespace Portal.Features.Statements;

/// <summary>
/// E-mails the statements users subscribed to, each once per send date however many instances run
/// this worker: a send claims its subscription by moving <see cref="StatementSubscription.NextSendOn"/>
/// on with a conditional update (the second instance's update finds nothing to move) and writes the
/// unique <see cref="StatementDelivery"/> row, the e-mail with its PDF and the activity entry in the
/// same transaction, so a crash leaves either all of it or none. A subscription whose user is no
/// longer a member allowed to see money (or is disabled) is removed instead of sent.
/// </summary>
public sealed class StatementMailWorker(
    IServiceScopeFactory scopes,
    IOptions<WorkerOptions> workerOptions,
    ILogger<StatementMailWorker> logger) : PollingWorker(workerOptions.Value, logger)
{
    public const int BatchSize = 20;

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PortalDb>();
        var settings = await services.GetRequiredService<OperatorSettingsCache>().GetAsync(ct);
        if (!settings.IsOn(PortalFeature.Statements))
        {
            return 0;
        }

        var today = await services.GetRequiredService<OperatorClock>().TodayAsync(ct);
        var due = await db.StatementSubscriptions.AsNoTracking()
            .Where(s => s.NextSendOn <= today)
            .OrderBy(s => s.NextSendOn).ThenBy(s => s.Id)
            .Select(s => s.Id)
            .Take(BatchSize)
            .ToListAsync(ct);
        var handled = 0;
        foreach (var id in due)
        {
            ct.ThrowIfCancellationRequested();
            await using var one = scopes.CreateAsyncScope();
            if (await SendAsync(one.ServiceProvider, id, today, ct))
            {
                handled++;
            }
        }

        return handled;
    }

    private async Task<bool> SendAsync(IServiceProvider services, long id, DateOnly today, CancellationToken ct)
    {
        var db = services.GetRequiredService<PortalDb>();
        var sub = await db.StatementSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.NextSendOn <= today, ct);
        if (sub is null)
        {
            return false;
        }

        var sendOn = StatementSchedule.LatestOnOrBefore(sub.Frequency, sub.Day, today);
        var next = StatementSchedule.NextAfter(sub.Frequency, sub.Day, today);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.StatementSubscriptions
            .Where(s => s.Id == id && s.NextSendOn == sub.NextSendOn)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.NextSendOn, next), ct);
        if (claimed == 0)
        {
            // Another instance sent it (or the user changed the schedule) a moment ago.
            return false;
        }

        var activity = services.GetRequiredService<ActivityLog>();
        var recipient = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == sub.UserId && m.AccountId == sub.AccountId
                && (m.Permissions & Permissions.SeeMoney) == Permissions.SeeMoney
                && m.User!.DisabledAt == null && m.User.Email != null && m.Account!.PortalEnabled)
            .Select(m => new { Email = m.User!.Email!, m.User.PreferredCulture, m.Account!.Number, m.Account.Name, m.Account.ExternalId })
            .FirstOrDefaultAsync(ct);
        if (recipient is null)
        {
            await db.StatementSubscriptions.Where(s => s.Id == id).ExecuteDeleteAsync(ct);
            activity.Record("statement.subscription-ended", sub.UserId, sub.AccountId, "membership ended");
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            logger.LogInformation("Statement subscription {Subscription} removed: its user may no longer see the account's money.", id);
            return true;
        }

        var (from, to) = StatementSchedule.Range(sub.Frequency, sendOn);
        var clock = services.GetRequiredService<OperatorClock>();
        var zone = await clock.ZoneAsync(ct);
        var includeChildren = await db.Accounts.AnyAsync(a => a.ParentAccountId == sub.AccountId && a.BilledToParent, ct);
        var result = await StatementBuilder.BuildAsync(db, sub.AccountId, from, to, asOf: false, includeChildren, zone, ct);
        if (result is StatementResult.Refused { Reason: StatementRefusal.MixedCurrencies })
        {
            // A child billed in another currency cannot share a statement (ADR 0003): the account's own is sent.
            result = await StatementBuilder.BuildAsync(db, sub.AccountId, from, to, asOf: false, includeChildren: false, zone, ct);
        }

        var settings = await services.GetRequiredService<OperatorSettingsCache>().GetAsync(ct);
        var links = services.GetRequiredService<PublicLinks>();
        var l = services.GetRequiredService<IStringLocalizer<SharedResource>>();
        // Words in the recipient's language (the operator's default once it is no longer offered); formats
        // as the recipient chose them, or else the operator's region's.
        var words = WebSetup.Culture(recipient.PreferredCulture, settings);
        var culture = RegionalFormats.Chosen(recipient.PreferredCulture) ?? RegionalFormats.For(words, settings.Currency);
        EmailMessage message;
        using (CultureScope.Use(culture, words))
        {
            var range = l["{0} to {1}", from.ToString("d", culture), to.ToString("d", culture)].Value;
            var link = links.To(string.Create(CultureInfo.InvariantCulture, $"/statements?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}"));
            var subject = l["Statement for account {0}, {1}", recipient.Number, range].Value;
            var unsubscribe = l["To change or stop these e-mails: {0}", links.To("/settings/statements")].Value;
            if (result is StatementResult.Ready ready)
            {
                var pdf = StatementPdf.Render(ready.Statement, recipient.Number, recipient.Name, settings, l, culture);
                var body = l["Your statement for account {0} ({1}), {2}, is attached.", recipient.Number, recipient.Name, range].Value + "\n\n"
                    + l["The same statement in the portal: {0}", link].Value + "\n\n" + unsubscribe + "\n";
                var file = string.Create(CultureInfo.InvariantCulture, $"statement-{recipient.Number}-{from:yyyy-MM-dd}-{to:yyyy-MM-dd}.pdf");
                message = services.GetRequiredService<EmailOutbox>().Enqueue(
                    recipient.Email, subject, body, null, "statement", sub.AccountId, [new EmailFile(file, "application/pdf", pdf)]);
            }
            else
            {
                // More documents than one statement lists: the portal still shows it, a shorter range at a time.
                var body = l["Your statement for account {0} ({1}), {2}, is too large to attach. Open it in the portal: {3}", recipient.Number, recipient.Name, range, link].Value
                    + "\n\n" + unsubscribe + "\n";
                message = services.GetRequiredService<EmailOutbox>().Enqueue(recipient.Email, subject, body, null, "statement", sub.AccountId);
            }
        }

        var delivery = new StatementDelivery
        {
            SubscriptionId = sub.Id,
            SendOn = sendOn,
            AccountId = sub.AccountId,
            UserId = sub.UserId,
            From = from,
            To = to,
            CreatedAt = clock.UtcNow,
        };
        db.StatementDeliveries.Add(delivery);
        activity.Record("statement.emailed", sub.UserId, sub.AccountId, string.Create(CultureInfo.InvariantCulture, $"{from:yyyy-MM-dd} – {to:yyyy-MM-dd}"));
        services.GetRequiredService<IntegrationEvents>().Record("statement.emailed", sub.AccountId, recipient.ExternalId,
            new { subscriptionId = sub.Id, frequency = sub.Frequency.ToString().ToLowerInvariant(), from, to });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e)
        {
            // The unique (subscription, send date) row: this date was sent already.
            logger.LogDebug(e, "Statement {Subscription} for {SendOn} was sent already.", id, sendOn);
            return false;
        }

        delivery.EmailMessageId = message.Id;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
