using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.ServiceCalls;

/// <summary>The account's service calls, newest first, filtered by status; keyset-paged over (AccountId[, Status], OpenedAt, Id).</summary>
[RequiresFeature(PortalFeature.ServiceCalls)]
[RequiresPermission(Permissions.ServiceCalls)]
public sealed class IndexModel(PortalDb db, IStringLocalizer<SharedResource> l) : KeysetListPage<IndexModel.CallRow>
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    public CurrentAccount Account => HttpContext.CurrentAccount();

    public static IEnumerable<ServiceCallStatus> Statuses => Enum.GetValues<ServiceCallStatus>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var account = Account;
        var query = db.ServiceCalls.AsNoTracking().Where(s => s.AccountId == account.Id);
        Status = Status?.Trim().ToLowerInvariant();
        if (!string.IsNullOrEmpty(Status))
        {
            var status = Statuses.Where(s => Requests.CustomerRequestHub.StatusName(s) == Status).Select(s => (ServiceCallStatus?)s).FirstOrDefault();
            if (status is null)
            {
                Notices.Add(l["Unknown status filter; showing all service calls."]);
                Status = null;
            }
            else
            {
                query = query.Where(s => s.Status == status.Value);
            }
        }

        var page = await Keyset.ReadAsync(query, "opened.desc", s => s.OpenedAt, s => s.Id, true, After,
            s => new CallRow(s.Id, s.Number, s.Subject, s.Equipment, s.Priority, s.Status, s.OpenedAt, s.ScheduledFor),
            r => (r.OpenedAt, r.Id), PageSize, ct);
        ShowPage(page, l);
    }

    public string Link(string? after = null) => ListPaging.Link("/service-calls", new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["status"] = Status,
        ["after"] = after,
    });

    public sealed record CallRow(long Id, string Number, string Subject, string? Equipment, ServiceCallPriority Priority, ServiceCallStatus Status, DateTime OpenedAt, DateTime? ScheduledFor);
}
