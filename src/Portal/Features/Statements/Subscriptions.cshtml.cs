using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Events;
using Portal.Resources;

namespace Portal.Features.Statements;

/// <summary>
/// <c>/settings/statements</c>, under My account: the statements the signed-in user has e-mailed to them
/// (every account of theirs), and the schedule for the current account: monthly on a day, weekly on a
/// weekday, or none. One subscription per user and account; choosing again changes it.
/// </summary>
[RequiresFeature(PortalFeature.Statements)]
[RequiresPermission(Permissions.SeeMoney)]
public sealed class SubscriptionsModel(
    PortalDb db, OperatorClock clock, ActivityLog activity, IntegrationEvents events, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int Limit = 100;

    public IReadOnlyList<SubscriptionRow> Subscriptions { get; private set; } = [];

    public SubscriptionRow? Current { get; private set; }

    /// <summary>"monthly" or "weekly".</summary>
    [BindProperty]
    public string? Frequency { get; set; }

    [BindProperty]
    public string? DayOfMonth { get; set; }

    [BindProperty]
    public string? Weekday { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        Frequency = Current?.Frequency == StatementFrequency.Weekly ? "weekly" : "monthly";
        DayOfMonth = (Current is { Frequency: StatementFrequency.Monthly } ? Current.Day : 1).ToString(CultureInfo.InvariantCulture);
        Weekday = (Current is { Frequency: StatementFrequency.Weekly } ? Current.Day : (int)DayOfWeek.Monday).ToString(CultureInfo.InvariantCulture);
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var (frequency, day) = Validate();
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }

        var today = await clock.TodayAsync(ct);
        var next = StatementSchedule.NextAfter(frequency, day, today);
        var externalId = await db.Accounts.Where(a => a.Id == account.Id).Select(a => a.ExternalId).SingleAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.StatementSubscriptions.FirstOrDefaultAsync(s => s.UserId == UserId && s.AccountId == account.Id, ct);
        if (existing is null)
        {
            db.StatementSubscriptions.Add(new StatementSubscription
            {
                AccountId = account.Id,
                UserId = UserId,
                Frequency = frequency,
                Day = day,
                NextSendOn = next,
                CreatedAt = clock.UtcNow,
            });
        }
        else
        {
            existing.Frequency = frequency;
            existing.Day = day;
            existing.NextSendOn = next;
        }

        var schedule = Describe(frequency, day);
        activity.Record(existing is null ? "statement.subscribed" : "statement.subscription-changed", UserId, account.Id, schedule);
        events.Record(existing is null ? "statement_subscription.created" : "statement_subscription.changed", account.Id, externalId,
            new { frequency = frequency.ToString().ToLowerInvariant(), day, nextSendOn = next });
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A second click or tab subscribed this account a moment ago: the first one stands.
            TempData["Settings.Status"] = l["You already receive this account's statement by e-mail."].Value;
            return RedirectToPage();
        }

        TempData["Settings.Status"] = l["Statements for account {0} will be e-mailed to you {1}, first on {2}.", account.Number, schedule, next.ToString("D", CultureInfo.CurrentCulture)].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(long subscriptionId, CancellationToken ct)
    {
        // Any of the user's own subscriptions, whichever account is current: it is theirs to stop.
        var sub = await db.StatementSubscriptions.AsNoTracking()
            .Where(s => s.Id == subscriptionId && s.UserId == UserId)
            .Select(s => new { s.Id, s.AccountId, s.Account!.Number, s.Account.ExternalId })
            .FirstOrDefaultAsync(ct);
        if (sub is null)
        {
            return NotFound();
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.StatementSubscriptions.Where(s => s.Id == sub.Id).ExecuteDeleteAsync(ct);
        if (removed > 0)
        {
            activity.Record("statement.unsubscribed", UserId, sub.AccountId, sub.Number);
            events.Record("statement_subscription.removed", sub.AccountId, sub.ExternalId, new { subscriptionId = sub.Id });
            await db.SaveChangesAsync(ct);
        }

        await tx.CommitAsync(ct);
        TempData["Settings.Status"] = l["Statements for account {0} are no longer e-mailed to you.", sub.Number].Value;
        return RedirectToPage();
    }

    /// <summary>"monthly on day 5" / "weekly on Monday", in the reader's language.</summary>
    public string Describe(StatementFrequency frequency, int day) => frequency == StatementFrequency.Weekly
        ? l["weekly on {0}", CultureInfo.CurrentCulture.DateTimeFormat.GetDayName((DayOfWeek)day)].Value
        : l["monthly on day {0}", day].Value;

    private (StatementFrequency Frequency, int Day) Validate()
    {
        ModelState.Clear();
        switch (Frequency)
        {
            case "monthly":
                if (int.TryParse(DayOfMonth, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && StatementSchedule.IsValidDay(StatementFrequency.Monthly, d))
                {
                    return (StatementFrequency.Monthly, d);
                }

                ModelState.AddModelError(nameof(DayOfMonth), l["Choose a day from 1 to {0}.", StatementSchedule.LastDayOfMonth]);
                return default;
            case "weekly":
                if (int.TryParse(Weekday, NumberStyles.None, CultureInfo.InvariantCulture, out var w) && StatementSchedule.IsValidDay(StatementFrequency.Weekly, w))
                {
                    return (StatementFrequency.Weekly, w);
                }

                ModelState.AddModelError(nameof(Weekday), l["Choose a day of the week."]);
                return default;
            default:
                ModelState.AddModelError(nameof(Frequency), l["Choose monthly or weekly."]);
                return default;
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        Subscriptions = await db.StatementSubscriptions.AsNoTracking()
            .Where(s => s.UserId == UserId)
            .OrderBy(s => s.Account!.Number)
            .Select(s => new SubscriptionRow(
                s.Id, s.AccountId, s.Account!.Number, s.Account.Name, s.Frequency, s.Day, s.NextSendOn,
                db.StatementDeliveries.Where(d => d.SubscriptionId == s.Id).OrderByDescending(d => d.SendOn).Select(d => (DateOnly?)d.SendOn).FirstOrDefault()))
            .Take(Limit)
            .ToListAsync(ct);
        Current = Subscriptions.FirstOrDefault(s => s.AccountId == account.Id);
    }

    private string UserId => User.FindFirstValue(ClaimTypes.NameIdentifier)!;
}

public sealed record SubscriptionRow(
    long Id, long AccountId, string AccountNumber, string AccountName, StatementFrequency Frequency, int Day, DateOnly NextSendOn, DateOnly? LastSentOn);
