using System.Linq.Expressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Operator;
using Portal.Features.Search;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Invoices;

/// <summary>The account's invoices: sortable, filterable, keyset-paged. Bad query values are ignored with a notice.</summary>
public sealed class IndexModel(PortalDb db, OperatorClock clock, OperatorSettingsCache settings, IStringLocalizer<SharedResource> l) : InvoiceListPage
{
    public const int PageSize = 25;

    /// <summary>How many invoices' PDFs one ZIP may hold.</summary>
    public const int MaxZip = InvoiceZip.MaxInvoices;

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public CurrentAccount Account => HttpContext.CurrentAccount();

    public IReadOnlyList<InvoiceRow> Rows { get; private set; } = [];

    /// <summary>The filtered rows' count and sums, one line per currency (never summed across currencies).</summary>
    public IReadOnlyList<CurrencyTotals> Totals { get; private set; } = [];

    public string? NextCursor { get; private set; }

    public string? PreviousCursor { get; private set; }

    public bool IsFirstPage => After is null;

    public bool ExportsOn { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var account = Account;
        var today = await clock.TodayAsync(ct);
        Normalize(account, l);

        var query = Filter(db, account, today);
        var page = await ReadPageAsync(db, query, After, PageSize, ct);
        After = ListPaging.CursorShown(page, After, Notices, l);

        foreach (var row in page.Rows)
        {
            row.Status = InvoiceStatuses.Of(row.IsVoid, row.Total, row.Open, row.DueDate, today);
        }

        Rows = page.Rows;
        NextCursor = page.Next;
        PreviousCursor = page.Previous;
        ExportsOn = (await settings.GetAsync(ct)).IsOn(PortalFeature.Exports);
        if (account.SeesMoney)
        {
            Totals = await TotalsAsync(account, query, ct);
        }
    }

    /// <summary>
    /// The filtered rows' count and sums per currency (amounts in different currencies never add up). With no
    /// date range or search, the kept totals (one row per currency, however long the history); otherwise one
    /// aggregate over the same filter, which reads what the range or the search matches.
    /// </summary>
    private async Task<IReadOnlyList<CurrencyTotals>> TotalsAsync(CurrentAccount account, IQueryable<Invoice> query, CancellationToken ct)
    {
        List<CurrencyTotals> totals;
        if (From is null && To is null && Q is null && InvoiceTotal.IsKept(Status!))
        {
            var kept = await KeptTotals(db, account.Id).ToListAsync(ct);
            totals = [.. kept.Select(t => (t.Currency, Sums: t.For(Status!)))
                .Where(t => t.Sums.Count > 0)
                .Select(t => new CurrencyTotals(t.Currency, checked((int)t.Sums.Count), t.Sums.Total, t.Sums.Open))];
        }
        else
        {
            totals = await query.GroupBy(i => i.Currency)
                .Select(g => new CurrencyTotals(g.Key, g.Count(), g.Sum(i => i.Total), g.Sum(i => i.OpenAmount)))
                .ToListAsync(ct);
        }

        return [.. totals.OrderBy(t => t.Currency, StringComparer.Ordinal)];
    }

    private static readonly Func<PortalDb, long, IAsyncEnumerable<InvoiceTotal>> KeptTotals =
        EF.CompileAsyncQuery((PortalDb db, long accountId) => db.InvoiceTotals.AsNoTracking().Where(t => t.AccountId == accountId));

    /// <summary>A link to this list with the current filters, sorted and positioned as given.</summary>
    public string Link(string? sort = null, string? dir = null, string? after = null, bool keepSort = true) =>
        ListPaging.Link("/invoices", FilterQuery(sort, dir, after, keepSort));

    /// <summary>The CSV export of exactly this filter and sort.</summary>
    public string ExportLink() => ListPaging.Link("/invoices/export", FilterQuery(null, null, null, keepSort: true));

    /// <summary>The link a column header points to: the other direction when sorted by it, else its natural one.</summary>
    public string SortLink(string sort) =>
        Link(sort, Sort == sort ? (Descending ? "asc" : "desc") : (Sorts[sort] ? "desc" : "asc"));

    public string? AriaSort(string sort) => Sort == sort ? (Descending ? "descending" : "ascending") : null;

    public sealed record CurrencyTotals(string Currency, int Count, decimal Total, decimal Open);
}

/// <summary>
/// The invoice list's filter and sort, shared by the list page and its CSV export so that the export is
/// exactly the list as filtered: same normalisation, same query, same order.
/// </summary>
public abstract class InvoiceListPage : PageModel
{
    public const int MaxSearchLength = 50;

    public static readonly string[] Statuses = ["all", "open", "overdue", "paid", "void"];

    // Sort name -> whether a first click sorts it descending (dates and amounts: biggest/newest first).
    protected static readonly Dictionary<string, bool> Sorts = new(StringComparer.Ordinal)
    {
        ["number"] = false,
        ["issued"] = true,
        ["due"] = true,
        ["total"] = true,
        ["open"] = true,
    };

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Dir { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public List<string> Notices { get; } = [];

    public bool IsFiltered => Status != "all" || From is not null || To is not null || Q is not null;

    public bool Descending => Dir == "desc";

    /// <summary>The account's invoices matching the (normalised) filter, unordered.</summary>
    protected IQueryable<Invoice> Filter(PortalDb db, CurrentAccount account, DateOnly today)
    {
        var query = db.Invoices.AsNoTracking().Where(i => i.AccountId == account.Id);
        query = Status switch
        {
            "open" => query.Where(i => i.OpenAmount > 0m && !i.IsVoid),
            "overdue" => query.Where(i => i.OpenAmount > 0m && !i.IsVoid && i.DueDate < today),
            "paid" => query.Where(i => i.OpenAmount <= 0m && !i.IsVoid),
            "void" => query.Where(i => i.IsVoid),
            _ => query,
        };
        if (ListFilter.ParseDate(From) is DateOnly from)
        {
            query = query.Where(i => i.IssueDate >= from);
        }

        if (ListFilter.ParseDate(To) is DateOnly to)
        {
            query = query.Where(i => i.IssueDate <= to);
        }

        if (Q is not null)
        {
            // The document search index (number, PO, date, amount, line text), not a LIKE that reads every row.
            var search = SearchQuery.Parse(Q, account.SeesMoney);
            query = search is null
                ? query.Where(i => false)
                : query.Where(i => DocumentSearch.MatchingIds(db, search, SearchKind.Invoice).Contains(i.Id));
        }

        return query;
    }

    /// <summary>One keyset page of the filtered list in the chosen order.</summary>
    protected Task<KeysetPage<InvoiceRow>> ReadPageAsync(PortalDb db, IQueryable<Invoice> query, string? after, int size, CancellationToken ct)
    {
        var sortKey = Sort + "." + Dir;
        Expression<Func<Invoice, InvoiceRow>> select = i => new InvoiceRow(
            i.Id, i.Number, i.IssueDate, i.DueDate, i.Currency, i.Total, i.OpenAmount, i.IsVoid, i.PurchaseOrder,
            db.InvoiceAttachments.Count(a => a.InvoiceId == i.Id));
        return Sort switch
        {
            "number" => Keyset.ReadAsync(query, sortKey, i => i.Number, i => i.Id, Descending, after, select, r => (r.Number, r.Id), size, ct),
            "due" => Keyset.ReadAsync(query, sortKey, i => i.DueDate, i => i.Id, Descending, after, select, r => (r.DueDate, r.Id), size, ct),
            "total" => Keyset.ReadAsync(query, sortKey, i => i.Total, i => i.Id, Descending, after, select, r => (r.Total, r.Id), size, ct),
            "open" => Keyset.ReadAsync(query, sortKey, i => i.OpenAmount, i => i.Id, Descending, after, select, r => (r.Open, r.Id), size, ct),
            _ => Keyset.ReadAsync(query, sortKey, i => i.IssueDate, i => i.Id, Descending, after, select, r => (r.IssueDate, r.Id), size, ct),
        };
    }

    protected Dictionary<string, string?> FilterQuery(string? sort, string? dir, string? after, bool keepSort) =>
        new(StringComparer.Ordinal)
        {
            ["sort"] = sort ?? (keepSort ? Sort : null),
            ["dir"] = dir ?? (keepSort ? Dir : null),
            ["status"] = Status == "all" ? null : Status,
            ["from"] = From,
            ["to"] = To,
            ["q"] = Q,
            ["after"] = after,
        };

    protected void Normalize(CurrentAccount account, IStringLocalizer<SharedResource> l)
    {
        var moneySorts = account.SeesMoney ? [] : new[] { "total", "open" };
        if (Sort is null || !Sorts.ContainsKey(Sort) || moneySorts.Contains(Sort))
        {
            if (Sort is not null)
            {
                Notices.Add(l["The list cannot be sorted that way, so it is sorted by issue date."]);
            }

            Sort = "issued";
            Dir = "desc";
        }

        if (Dir is not ("asc" or "desc"))
        {
            Dir = Sorts[Sort] ? "desc" : "asc";
        }

        Status = Status?.Trim().ToLowerInvariant();
        if (Status is null || !Statuses.Contains(Status))
        {
            if (Status is not null && Status.Length > 0)
            {
                Notices.Add(l["Unknown status filter; showing all invoices."]);
            }

            Status = "all";
        }

        string? from = From, to = To, q = Q;
        ListFilter.Normalize(ref from, ref to, ref q, MaxSearchLength, Notices, l);
        (From, To, Q) = (from, to, q);
    }

    public sealed record InvoiceRow(
        long Id, string Number, DateOnly IssueDate, DateOnly DueDate, string Currency, decimal Total, decimal Open,
        bool IsVoid, string? PurchaseOrder, int Attachments)
    {
        public InvoiceStatus Status { get; set; }
    }
}

/// <summary>How an invoice status reads and which badge it wears.</summary>
public static class InvoiceStatusText
{
    public static string Label(InvoiceStatus status, IStringLocalizer l) => status switch
    {
        InvoiceStatus.Open => l["Open"],
        InvoiceStatus.PartlyPaid => l["Partly paid"],
        InvoiceStatus.Overdue => l["Overdue"],
        InvoiceStatus.Paid => l["Paid"],
        _ => l["Void"],
    };

    public static string Badge(InvoiceStatus status) => "badge badge-" + status.ToString().ToLowerInvariant();
}
