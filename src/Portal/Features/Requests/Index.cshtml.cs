using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Requests;

/// <summary>Everything the account asked the operator for (service calls, disputes, quote requests, call-offs, orders), newest first; keyset-paged over (AccountId[, Kind], CreatedAt, Id).</summary>
public sealed class IndexModel(PortalDb db, OperatorSettingsCache settings, IStringLocalizer<SharedResource> l) : KeysetListPage<IndexModel.RequestRow>
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    public IReadOnlyList<RequestKind> Kinds { get; private set; } = [];

    public bool IsFiltered => Kind is not null || Status is not null;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        Kinds = Visible(await settings.GetAsync(ct), account);
        var query = db.CustomerRequests.AsNoTracking().Where(r => r.AccountId == account.Id);
        var kind = Kinds.Where(k => CustomerRequestHub.StatusName(k) == Kind?.Trim().ToLowerInvariant()).Select(k => (RequestKind?)k).FirstOrDefault();
        if (kind is RequestKind one)
        {
            Kind = CustomerRequestHub.StatusName(one);
            query = query.Where(r => r.Kind == one);
        }
        else
        {
            if (!string.IsNullOrEmpty(Kind))
            {
                Notices.Add(l["Unknown kind of request; showing all of them."]);
            }

            Kind = null;
            var kinds = Kinds.ToList();
            query = query.Where(r => kinds.Contains(r.Kind));
        }

        Status = Status?.Trim().ToLowerInvariant() is "open" or "closed" ? Status.Trim().ToLowerInvariant() : null;
        if (Status is not null)
        {
            var open = Status == "open";
            query = query.Where(r => r.IsOpen == open);
        }

        var page = await Keyset.ReadAsync(query, "created.desc", r => r.CreatedAt, r => r.Id, true, After,
            r => new RequestRow(r.Id, r.Kind, r.Number, r.Subject, r.Status, r.IsOpen, r.CreatedAt, r.LastActivityAt),
            r => (r.CreatedAt, r.Id), PageSize, ct);
        ShowPage(page, l);
    }

    public string Link(string? after = null) => ListPaging.Link("/requests", new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["kind"] = Kind,
        ["status"] = Status,
        ["after"] = after,
    });

    /// <summary>The kinds the user may see here: those whose own page the user may open (its feature on, its permission held).</summary>
    public static List<RequestKind> Visible(OperatorSettings settings, CurrentAccount account) =>
        Enum.GetValues<RequestKind>().Where(k => RequestKindPages.Evaluate(k, settings, account) == RequirementVerdict.Allowed).ToList();

    public sealed record RequestRow(long Id, RequestKind Kind, string Number, string Subject, string Status, bool IsOpen, DateTime CreatedAt, DateTime LastActivityAt);
}
