using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Orders;

/// <summary>The account's order history: filters, newest first (or oldest), keyset-paged over (AccountId, OrderedAt, Id).</summary>
[RequiresFeature(PortalFeature.Orders)]
public sealed class IndexModel(PortalDb db, OperatorClock clock, IStringLocalizer<SharedResource> l) : KeysetListPage<IndexModel.OrderRow>
{
    public const int PageSize = 25;
    public const int MaxSearchLength = 50;

    public static readonly string[] Statuses = ["all", "open", "submitted", "confirmed", "partlyshipped", "shipped", "delivered", "cancelled"];

    [BindProperty(SupportsGet = true)]
    public string? Dir { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Source { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public CurrentAccount Account => HttpContext.CurrentAccount();

    public bool Descending => Dir != "asc";

    public bool IsFiltered => Status != "all" || Source is not null || From is not null || To is not null || Q is not null;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var account = Account;
        Normalize();
        var zone = await clock.ZoneAsync(ct);
        var query = db.Orders.AsNoTracking().Where(o => o.AccountId == account.Id);
        query = Status switch
        {
            "open" => query.Where(o => o.Status != OrderStatus.Delivered && o.Status != OrderStatus.Cancelled),
            "submitted" => query.Where(o => o.Status == OrderStatus.Submitted),
            "confirmed" => query.Where(o => o.Status == OrderStatus.Confirmed),
            "partlyshipped" => query.Where(o => o.Status == OrderStatus.PartlyShipped),
            "shipped" => query.Where(o => o.Status == OrderStatus.Shipped),
            "delivered" => query.Where(o => o.Status == OrderStatus.Delivered),
            "cancelled" => query.Where(o => o.Status == OrderStatus.Cancelled),
            _ => query,
        };
        query = Source switch
        {
            "portal" => query.Where(o => o.Source == DocumentSource.Portal),
            "office" => query.Where(o => o.Source == DocumentSource.BillingSystem),
            _ => query,
        };

        // The dates are the operator's calendar days: from its midnight to the next one, in UTC.
        if (ListFilter.ParseDate(From) is DateOnly from)
        {
            var start = TimeZoneInfo.ConvertTimeToUtc(from.ToDateTime(TimeOnly.MinValue), zone);
            query = query.Where(o => o.OrderedAt >= start);
        }

        if (ListFilter.ParseDate(To) is DateOnly to)
        {
            var end = TimeZoneInfo.ConvertTimeToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
            query = query.Where(o => o.OrderedAt < end);
        }

        if (Q is not null)
        {
            var pattern = ListPaging.ContainsPattern(Q);
#pragma warning disable CA1304 // Translated to SQL UPPER(): no .NET culture is involved; it makes the search case-insensitive on both databases.
            query = query.Where(o => EF.Functions.Like(o.Number.ToUpper(), pattern, "\\")
                || (o.PurchaseOrder != null && EF.Functions.Like(o.PurchaseOrder.ToUpper(), pattern, "\\")));
#pragma warning restore CA1304
        }

        var page = await Keyset.ReadAsync(query, "ordered." + (Descending ? "desc" : "asc"), o => o.OrderedAt, o => o.Id, Descending, After,
            o => new OrderRow(o.Id, o.Number, o.OrderedAt, o.PurchaseOrder, o.Status, o.Source, o.Currency, o.Total),
            r => (r.OrderedAt, r.Id), PageSize, ct);
        ShowPage(page, l);
    }

    public string Link(string? after = null, string? dir = null)
    {
        var query = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["dir"] = dir ?? (Descending ? null : "asc"),
            ["status"] = Status == "all" ? null : Status,
            ["source"] = Source,
            ["from"] = From,
            ["to"] = To,
            ["q"] = Q,
            ["after"] = after,
        };
        return ListPaging.Link("/orders", query);
    }

    private void Normalize()
    {
        if (Dir is not null and not ("asc" or "desc"))
        {
            Notices.Add(l["The list cannot be sorted that way, so it is sorted by date."]);
            Dir = null;
        }

        Status = Status?.Trim().ToLowerInvariant();
        if (Status is null || !Statuses.Contains(Status))
        {
            if (!string.IsNullOrEmpty(Status))
            {
                Notices.Add(l["Unknown status filter; showing all orders."]);
            }

            Status = "all";
        }

        Source = Source?.Trim().ToLowerInvariant() is "portal" or "office" ? Source.Trim().ToLowerInvariant() : null;
        string? from = From, to = To, q = Q;
        ListFilter.Normalize(ref from, ref to, ref q, MaxSearchLength, Notices, l);
        (From, To, Q) = (from, to, q);
    }

    public sealed record OrderRow(long Id, string Number, DateTime OrderedAt, string? PurchaseOrder, OrderStatus Status, DocumentSource Source, string Currency, decimal Total);
}

/// <summary>How an order's status and source read, and which badge the status wears.</summary>
public static class OrderText
{
    public static string Status(OrderStatus status, IStringLocalizer l) => status switch
    {
        OrderStatus.Submitted => l["Submitted"],
        OrderStatus.Confirmed => l["Confirmed"],
        OrderStatus.PartlyShipped => l["Partly shipped"],
        OrderStatus.Shipped => l["Shipped"],
        OrderStatus.Delivered => l["Delivered"],
        _ => l["Cancelled"],
    };

    public static string Badge(OrderStatus status) => "badge badge-" + status switch
    {
        OrderStatus.Submitted => "open",
        OrderStatus.Confirmed => "partlypaid",
        OrderStatus.PartlyShipped => "partlypaid",
        OrderStatus.Shipped => "paid",
        OrderStatus.Delivered => "paid",
        _ => "void",
    };

    public static string Source(DocumentSource source, IStringLocalizer l) =>
        source == DocumentSource.Portal ? l["Portal"] : l["Billing system"];
}
