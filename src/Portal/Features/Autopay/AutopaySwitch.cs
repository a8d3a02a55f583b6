using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Events;

namespace Portal.Features.Autopay;

/// <summary>
/// Turns an account's autopay on, off or paused, with its event and activity entry, inside the
/// caller's unit of work (nothing is saved here): the page, the method deletion and the worker each
/// save it together with their own change.
/// </summary>
public sealed class AutopaySwitch(PortalDb db, IntegrationEvents events, ActivityLog activity, OperatorClock clock)
{
    public Task<AutopayEnrollment?> FindAsync(long accountId, CancellationToken ct) =>
        db.AutopayEnrollments.FirstOrDefaultAsync(e => e.AccountId == accountId, ct);

    /// <summary>On from today (the operator's calendar): invoices due from today on are charged on their due date.</summary>
    public async Task EnableAsync(long accountId, string? userId, string methodDetail, CancellationToken ct)
    {
        var enrollment = await EnrollmentAsync(accountId, ct);
        if (enrollment.State == AutopayState.On)
        {
            return;
        }

        enrollment.State = AutopayState.On;
        enrollment.Since = await clock.TodayAsync(ct);
        enrollment.PausedReason = null;
        Touch(enrollment, userId);
        await RecordAsync("autopay.enabled", accountId, userId, methodDetail, new { method = methodDetail, since = enrollment.Since }, ct);
    }

    public async Task DisableAsync(long accountId, string? userId, CancellationToken ct)
    {
        var enrollment = await FindAsync(accountId, ct);
        if (enrollment is null || enrollment.State == AutopayState.Off)
        {
            return;
        }

        enrollment.State = AutopayState.Off;
        enrollment.PausedReason = null;
        Touch(enrollment, userId);
        await RecordAsync("autopay.disabled", accountId, userId, null, new { }, ct);
    }

    /// <summary>Pauses autopay that is on (nothing happens when it is off); returns whether it did.</summary>
    public async Task<bool> PauseAsync(long accountId, string? userId, string reason, CancellationToken ct)
    {
        var enrollment = await FindAsync(accountId, ct);
        if (enrollment is null || enrollment.State != AutopayState.On)
        {
            return false;
        }

        enrollment.State = AutopayState.Paused;
        enrollment.PausedReason = reason.Length > 300 ? reason[..300] : reason;
        Touch(enrollment, userId);
        await RecordAsync("autopay.paused", accountId, userId, reason, new { reason }, ct);
        return true;
    }

    private async Task<AutopayEnrollment> EnrollmentAsync(long accountId, CancellationToken ct)
    {
        if (await FindAsync(accountId, ct) is { } existing)
        {
            return existing;
        }

        var created = new AutopayEnrollment { AccountId = accountId, State = AutopayState.Off };
        db.AutopayEnrollments.Add(created);
        return created;
    }

    private void Touch(AutopayEnrollment enrollment, string? userId)
    {
        enrollment.UpdatedByUserId = userId;
        enrollment.UpdatedAt = clock.UtcNow;
        enrollment.Version++;
    }

    private async Task RecordAsync(string type, long accountId, string? userId, string? detail, object payload, CancellationToken ct)
    {
        var externalId = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.ExternalId).SingleAsync(ct);
        events.Record(type, accountId, externalId, payload);
        activity.Record(type, userId, accountId, detail);
    }
}
