using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Payments;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Admin.Payments;

/// <summary>
/// <c>/admin/payments</c>: every payment (portal and billing system), newest first, filtered by state
/// (including the attempts marked for review), account, date range (UTC days) and gateway; pending ones
/// show where the reconciler stands. Keyset paged over (ReceivedAt, Id).
/// </summary>
public sealed class IndexModel(PortalDb db, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int PageSize = 50;

    /// <summary>The gateway filter's value for payments recorded in the billing system.</summary>
    public const string BillingSystem = "billing";

    private const string SortKey = "received";

    /// <summary>The states offered in the filter; "review" is a pending payment whose attempt is marked for review.</summary>
    public static readonly string[] States = ["pending", "review", "succeeded", "failed", "refunded"];

    public static readonly string[] Gateways = ["Test", "Stripe", BillingSystem];

    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Account { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Gateway { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public List<string> Notices { get; } = [];

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public string? PreviousCursor { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        string? from = From, to = To, q = Account;
        ListFilter.Normalize(ref from, ref to, ref q, 50, Notices, l);
        (From, To, Account) = (from, to, q);

        var query = db.Payments.AsNoTracking();
        switch (State)
        {
            case "pending":
                query = query.Where(p => p.Status == PaymentStatus.Pending);
                break;
            case "review":
                query = query.Where(p => p.Status == PaymentStatus.Pending && db.PaymentAttempts.Any(a => a.Id == p.AttemptId && a.NeedsReview));
                break;
            case "succeeded":
                query = query.Where(p => p.Status == PaymentStatus.Succeeded);
                break;
            case "failed":
                query = query.Where(p => p.Status == PaymentStatus.Failed);
                break;
            case "refunded":
                query = query.Where(p => p.Status == PaymentStatus.Refunded);
                break;
            case null or "":
                break;
            default:
                Notices.Add(l["Unknown state \"{0}\": showing every state.", State]);
                State = null;
                break;
        }

        if (Account is not null)
        {
            var number = Account;
            var accountId = await db.Accounts.Where(a => a.Number == number).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
            if (accountId is null)
            {
                Notices.Add(l["No account has the number {0}.", number]);
            }

            query = query.Where(p => p.AccountId == accountId);
        }

        if (Gateway == BillingSystem)
        {
            query = query.Where(p => p.Source == PaymentSource.BillingSystem);
        }
        else if (!string.IsNullOrEmpty(Gateway))
        {
            var gateway = Gateway;
            query = query.Where(p => db.PaymentAttempts.Any(a => a.Id == p.AttemptId && a.Gateway == gateway));
        }

        if (ListFilter.ParseDate(From) is DateOnly f)
        {
            var start = f.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(p => p.ReceivedAt >= start);
        }

        if (ListFilter.ParseDate(To) is DateOnly t)
        {
            var end = t.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(p => p.ReceivedAt < end);
        }

        // Each row's account is a primary-key lookup; the page's attempts are read after, in one query by id.
        var page = await Keyset.ReadAsync(
            query, SortKey, p => p.ReceivedAt, p => p.Id, descending: true, After,
            p => new PaymentRow(
                p.Id, p.Number, p.ReceivedAt, p.Status, p.Source, p.Currency, p.Amount,
                db.Accounts.Where(a => a.Id == p.AccountId).Select(a => a.Number).First(), p.AttemptId),
            r => (r.ReceivedAt, r.Id), PageSize, ct);
        var attemptIds = page.Rows.Where(r => r.AttemptId != null).Select(r => r.AttemptId!.Value).ToList();
        var attempts = attemptIds.Count == 0 ? new Dictionary<Guid, AttemptRow>() : await db.PaymentAttempts.AsNoTracking()
            .Where(a => attemptIds.Contains(a.Id))
            .Select(a => new { a.Id, Row = new AttemptRow(a.Gateway, a.State, a.NeedsReview, a.Checks, a.NextCheckAt, a.LastCheckError) })
            .ToDictionaryAsync(a => a.Id, a => a.Row, ct);
        After = ListPaging.CursorShown(page, After, Notices, l);

        Rows = page.Rows.Select(r => new Row(r.Id, r.Number, r.ReceivedAt, r.Status, r.Source, r.Currency, r.Amount, r.AccountNumber,
            r.AttemptId is Guid id ? attempts.GetValueOrDefault(id) : null)).ToList();
        NextCursor = page.Next;
        PreviousCursor = page.Previous;
    }

    public string Link(string? after)
    {
        var query = new Dictionary<string, string?>
        {
            ["state"] = State,
            ["account"] = Account,
            ["from"] = From,
            ["to"] = To,
            ["gateway"] = Gateway,
            ["after"] = after,
        }.Where(p => !string.IsNullOrEmpty(p.Value));
        return QueryHelpers.AddQueryString("/admin/payments", query);
    }

    public sealed record Row(long Id, string Number, DateTime ReceivedAt, PaymentStatus Status, PaymentSource Source, string Currency, decimal Amount, string AccountNumber, AttemptRow? Attempt);

    private sealed record PaymentRow(long Id, string Number, DateTime ReceivedAt, PaymentStatus Status, PaymentSource Source, string Currency, decimal Amount, string AccountNumber, Guid? AttemptId);

    public sealed record AttemptRow(string Gateway, AttemptState State, bool NeedsReview, int Checks, DateTime NextCheckAt, string? LastCheckError);
}
