using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Quotes;

/// <summary>The account's quotes and quote requests, newest first, keyset-paged over (AccountId, RequestedAt, Id).</summary>
[RequiresFeature(PortalFeature.Quotes)]
public sealed class IndexModel(PortalDb db, OperatorClock clock, IStringLocalizer<SharedResource> l) : KeysetListPage<IndexModel.QuoteRow>
{
    public const int PageSize = 25;

    public CurrentAccount Account => HttpContext.CurrentAccount();

    public DateOnly Today { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var account = Account;
        Today = await clock.TodayAsync(ct);
        var page = await Keyset.ReadAsync(db.Quotes.AsNoTracking().Where(q => q.AccountId == account.Id), "requested", q => q.RequestedAt, q => q.Id, true, After,
            q => new QuoteRow(q.Id, q.Number, q.RequestedAt, q.Status, q.IssuedOn, q.ValidUntil, q.Currency, q.Total),
            r => (r.RequestedAt, r.Id), PageSize, ct);
        ShowPage(page, l);
    }

    public string Link(string? after = null) =>
        ListPaging.Link("/quotes", new Dictionary<string, string?>(StringComparer.Ordinal) { ["after"] = after });

    public sealed record QuoteRow(long Id, string Number, DateTime RequestedAt, QuoteStatus Status, DateOnly? IssuedOn, DateOnly? ValidUntil, string Currency, decimal Total);
}

/// <summary>How a quote's status reads (an issued quote past its last day reads "Expired").</summary>
public static class QuoteText
{
    public static string Status(QuoteStatus status, IStringLocalizer l) => status switch
    {
        QuoteStatus.Requested => l["Requested"],
        QuoteStatus.Sent => l["Awaiting your answer"],
        QuoteStatus.Accepted => l["Accepted"],
        QuoteStatus.Declined => l["Declined"],
        _ => l["Expired"],
    };

    public static string Badge(QuoteStatus status) => "badge badge-" + status switch
    {
        QuoteStatus.Requested => "pending",
        QuoteStatus.Sent => "open",
        QuoteStatus.Accepted => "paid",
        QuoteStatus.Declined => "void",
        _ => "overdue",
    };
}
