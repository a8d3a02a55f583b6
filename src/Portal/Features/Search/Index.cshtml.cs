using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Operator;
using Portal.Infrastructure.AccountScope;
using Portal.Resources;

namespace Portal.Features.Search;

/// <summary>
/// /search?q=: the documents of the current account and its children that match, grouped by kind,
/// newest first. A kind is searched only where its own page would open for this user (feature on,
/// permission held); amounts only for a user who sees money.
/// </summary>
public sealed class IndexModel(PortalDb db, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int PerGroup = 5;
    public const int PerKindPage = 50;

    /// <summary>Each kind, the page its results open (whose declared requirements decide whether the kind is searched), and its links.</summary>
    public static readonly IReadOnlyList<KindInfo> Kinds =
    [
        new(SearchKind.Invoice, "invoices", "Invoices", typeof(Invoices.DetailsModel), n => $"/invoices/{Uri.EscapeDataString(n)}", q => $"/invoices?q={Uri.EscapeDataString(q)}"),
        new(SearchKind.CreditMemo, "credits", "Credit memos", typeof(Credits.IndexModel), n => $"/credits?q={Uri.EscapeDataString(n)}", null),
        new(SearchKind.Payment, "payments", "Payments", typeof(Payments.DetailsModel), n => $"/payments/{Uri.EscapeDataString(n)}", null),
        new(SearchKind.Order, "orders", "Orders", typeof(Orders.DetailsModel), n => $"/orders/{Uri.EscapeDataString(n)}", q => $"/orders?q={Uri.EscapeDataString(q)}"),
        new(SearchKind.Quote, "quotes", "Quotes", typeof(Quotes.DetailsModel), n => $"/quotes/{Uri.EscapeDataString(n)}", null),
        new(SearchKind.Contract, "contracts", "Contracts", typeof(Contracts.DetailsModel), n => $"/contracts/{Uri.EscapeDataString(n)}", null),
    ];

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    /// <summary>One kind only (its "more" link), by <see cref="KindInfo.Slug"/>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    public CurrentAccount Account => HttpContext.CurrentAccount();

    /// <summary>Why nothing was searched (empty, too long, nothing searchable), or null.</summary>
    public string? Message { get; private set; }

    public bool Searched { get; private set; }

    public SearchQuery? Query { get; private set; }

    public IReadOnlyList<ResultGroup> Groups { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var account = Account;
        Q = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim();
        if (Q is null)
        {
            return Page();
        }

        if (Q.Length > SearchQuery.MaxLength)
        {
            Message = l["The search is too long: use at most {0} characters.", SearchQuery.MaxLength];
            Q = Q[..SearchQuery.MaxLength];
            return Page();
        }

        var query = SearchQuery.Parse(Q, account.SeesMoney);
        Searched = true;
        Query = query;
        if (query is null)
        {
            return Page();
        }

        var settings = HttpContext.Items[typeof(OperatorSettings)] as OperatorSettings ?? new OperatorSettings();
        var only = Kinds.FirstOrDefault(k => string.Equals(k.Slug, Type, StringComparison.Ordinal));
        Type = only?.Slug;
        var visible = await db.Accounts.AsNoTracking()
            .Where(a => a.Id == account.Id || (a.ParentAccountId == account.Id && a.PortalEnabled))
            .Select(a => new { a.Id, a.Number, a.Name })
            .ToListAsync(ct);
        var accountIds = visible.Select(a => a.Id).ToList();
        var names = visible.ToDictionary(a => a.Id, a => $"{a.Name} (#{a.Number})");

        // Few matches in all (a number, a PO): read them once by id and group them here, instead of one
        // query per kind that walks the account's documents (DocumentSearch.FewMatchingIdsAsync says why).
        // The account and kind are checked below, in memory, so that SQLite looks the rows up by id only.
        var few = await DocumentSearch.FewMatchingIdsAsync(db, query, ct);
        var fewRows = few is null || few.Count == 0
            ? []
            : await db.SearchDocuments.AsNoTracking()
                .Where(s => few.Contains(s.Id))
                .Select(s => new Match(s.Id, s.Kind, new Result(s.DocumentId, s.AccountId, s.Number, s.Date, s.Reference, s.Currency, s.Amount, s.Body)))
                .ToListAsync(ct);

        var groups = new List<ResultGroup>();
        foreach (var kind in Kinds.Where(k => only is null || k == only))
        {
            if (!Allowed(kind, settings, account))
            {
                continue;
            }

            var take = only is null ? PerGroup : PerKindPage;
            var rows = few is not null
                ? fewRows
                    .Where(m => m.Kind == kind.Kind && accountIds.Contains(m.Result.AccountId))
                    .OrderByDescending(m => m.Result.Date).ThenByDescending(m => m.Id)
                    .Take(take + 1)
                    .Select(m => m.Result)
                    .ToList()
                : await DocumentSearch.Matching(db, query).AsNoTracking()
                    .Where(s => s.Kind == kind.Kind && accountIds.Contains(s.AccountId))
                    .OrderByDescending(s => s.Date).ThenByDescending(s => s.Id)
                    .Take(take + 1)
                    .Select(s => new Result(s.DocumentId, s.AccountId, s.Number, s.Date, s.Reference, s.Currency, s.Amount, s.Body))
                    .ToListAsync(ct);
            if (rows.Count == 0)
            {
                continue;
            }

            foreach (var row in rows)
            {
                row.AccountName = row.AccountId == account.Id ? null : names[row.AccountId];
                if (!account.SeesMoney)
                {
                    row.Currency = null;
                    row.Amount = null;
                }
            }

            var more = rows.Count > take && only is null
                ? kind.ListLink?.Invoke(Q) ?? $"/search?q={Uri.EscapeDataString(Q)}&type={kind.Slug}"
                : null;
            groups.Add(new ResultGroup(kind, l[kind.Label], rows.Take(take).ToList(), more, rows.Count > take && only is not null));
        }

        Groups = groups;
        return Page();
    }

    /// <summary>The kind is searched when the page its results open would open: same attributes, same rule.</summary>
    public static bool Allowed(KindInfo kind, OperatorSettings settings, CurrentAccount account) =>
        PageRequirements.Evaluate(kind.Page.GetCustomAttributes(inherit: true), settings, account) == RequirementVerdict.Allowed;

    public sealed record KindInfo(SearchKind Kind, string Slug, string Label, Type Page, Func<string, string> Link, Func<string, string>? ListLink);

    public sealed record ResultGroup(KindInfo Kind, string Title, IReadOnlyList<Result> Rows, string? MoreLink, bool Truncated);

    /// <summary>A matching index row with what orders and groups it, when the matches are few.</summary>
    private sealed record Match(long Id, SearchKind Kind, Result Result);

    public sealed record Result(long DocumentId, long AccountId, string Number, DateOnly Date, string? Reference, string? Currency, decimal? Amount, string Body)
    {
        /// <summary>Set when the document belongs to a child account: opening it switches account first.</summary>
        public string? AccountName { get; set; }

        public string? Currency { get; set; } = Currency;

        public decimal? Amount { get; set; } = Amount;
    }
}
