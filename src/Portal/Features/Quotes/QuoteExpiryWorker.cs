using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Requests;
using Portal.Infrastructure;
using Portal.Infrastructure.Workers;

namespace Portal.Features.Quotes;

/// <summary>
/// Closes the requests-hub entry of a quote the customer asked for once the quote the operator sent has
/// run out (its last valid day is before today in the operator's time zone), so that /requests and the
/// console's inbox stop listing it as open. The quote's own pages already read it as expired
/// (<see cref="QuoteService.Effective"/>); nothing is written to the quote itself, which the billing system
/// owns and may send again with a new date (that moves the entry back to "sent").
/// One set-based conditional update: every instance may run it at once, and a second run finds nothing.
/// </summary>
public sealed class QuoteExpiryWorker(IServiceScopeFactory scopes, ILogger<QuoteExpiryWorker> logger)
    : PollingWorker(new WorkerOptions { Interval = Period }, logger)
{
    /// <summary>How often it looks: a quote expires at the end of a day, so minutes late is on time.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(5);

    private static readonly string Sent = CustomerRequestHub.StatusName(QuoteStatus.Sent);

    private static readonly string Expired = CustomerRequestHub.StatusName(QuoteStatus.Expired);

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await ExpireAsync(ct);
        // Idle or not, the next look is a period away: what expires does so once a day.
        return 0;
    }

    /// <summary>Closes every open entry whose quote has run out; returns how many.</summary>
    public async Task<int> ExpireAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var clock = scope.ServiceProvider.GetRequiredService<OperatorClock>();
        var today = await clock.TodayAsync(ct);
        var now = clock.UtcNow;
        return await db.CustomerRequests
            .Where(r => r.Kind == RequestKind.QuoteRequest && r.Status == Sent
                && db.Quotes.Any(q => q.Id == r.SubjectId && q.Status == QuoteStatus.Sent && q.ValidUntil < today))
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, Expired).SetProperty(r => r.IsOpen, false).SetProperty(r => r.LastActivityAt, now), ct);
    }
}
