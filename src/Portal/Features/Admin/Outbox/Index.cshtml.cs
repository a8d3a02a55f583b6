using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure.Email;

namespace Portal.Features.Admin.Outbox;

/// <summary>The e-mail outbox: what was sent, what waits, what failed (with "retry now"); newest first.</summary>
public sealed class IndexModel(PortalDb db, TimeProvider time) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public IReadOnlyList<Row> Messages { get; private set; } = [];

    public long? OlderCursor { get; private set; }

    public static readonly IReadOnlyList<EmailStatus> Statuses = Enum.GetValues<EmailStatus>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = db.EmailMessages.AsNoTracking();
        if (ParseStatus(Status) is { } status)
        {
            query = query.Where(m => m.Status == status);
        }

        if (Before is { } before)
        {
            query = query.Where(m => m.Id < before);
        }

        var rows = await query
            .OrderByDescending(m => m.Id)
            .Take(PageSize + 1)
            .Select(m => new Row(m.Id, m.To, m.Subject, m.Kind, m.Status, m.Attempts, m.LastError, m.CreatedAt, m.NextAttemptAt, m.SentAt))
            .ToListAsync(ct);
        Messages = rows.Take(PageSize).ToList();
        OlderCursor = rows.Count > PageSize ? Messages[^1].Id : null;
    }

    public async Task<IActionResult> OnPostRetryAsync(long id, CancellationToken ct)
    {
        await RetryNowAsync(db, id, time.GetUtcNow().UtcDateTime, ct);
        return RedirectToPage(new { status = Status, before = Before });
    }

    /// <summary>
    /// A failed message gets one more attempt at once, and so does one waiting after a failure. A message
    /// due within two minutes is left alone: it may be claimed and being sent right now (the claim is
    /// at most a minute), and releasing the claim could send it twice.
    /// </summary>
    public static Task<int> RetryNowAsync(PortalDb db, long id, DateTime now, CancellationToken ct)
    {
        now = Infrastructure.WorkerTime.Floor(now);
        var soon = now.AddMinutes(2);
        return db.EmailMessages
            .Where(m => m.Id == id && (m.Status == EmailStatus.Failed || (m.Status == EmailStatus.Pending && m.Attempts > 0 && m.NextAttemptAt > soon)))
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, EmailStatus.Pending).SetProperty(m => m.NextAttemptAt, now), ct);
    }

    public static EmailStatus? ParseStatus(string? status) =>
        Enum.TryParse<EmailStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(status, out _) ? parsed : null;

    public static string StatusName(EmailStatus status) => status.ToString().ToLowerInvariant();

    public sealed record Row(long Id, string To, string Subject, string Kind, EmailStatus Status, int Attempts, string? LastError, DateTime CreatedAt, DateTime NextAttemptAt, DateTime? SentAt);
}
