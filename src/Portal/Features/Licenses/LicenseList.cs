using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Licenses;

/// <summary>
/// The one query shape of the license inventory, shared by the page and the CSV export: the account's
/// licenses, filtered (expiring within N days, maintenance lapsed) and ordered by product or by expiry.
/// Never selects the license code: the page reveals one code at a time, by its own query.
/// </summary>
public static class LicenseList
{
    public static readonly string[] Filters = ["all", "expiring30", "expiring60", "expiring90", "lapsed"];

    public static readonly string[] Sorts = ["product", "expires"];

    // Licenses without an expiry sort after every dated one.
    public static readonly DateOnly NoExpiry = new(9999, 12, 31);

    public static IQueryable<License> Query(PortalDb db, long accountId, string filter, DateOnly today)
    {
        var query = db.Licenses.AsNoTracking().Where(x => x.AccountId == accountId);
        var days = filter switch
        {
            "expiring30" => 30,
            "expiring60" => 60,
            "expiring90" => 90,
            _ => 0,
        };
        if (days > 0)
        {
            var until = today.AddDays(days);
            query = query.Where(x => x.ExpiresOn != null && x.ExpiresOn >= today && x.ExpiresOn <= until);
        }
        else if (filter == "lapsed")
        {
            query = query.Where(x => x.Maintenance == MaintenanceStatus.Lapsed || (x.MaintenanceEndsOn != null && x.MaintenanceEndsOn < today));
        }

        return query;
    }

    /// <summary>Maintenance as of today: an end date past is lapsed, one within 30 days is expiring, whatever was last sent.</summary>
    public static MaintenanceStatus Effective(MaintenanceStatus stored, DateOnly? endsOn, DateOnly today) =>
        stored == MaintenanceStatus.None ? MaintenanceStatus.None
        : endsOn < today ? MaintenanceStatus.Lapsed
        : endsOn <= today.AddDays(30) && stored == MaintenanceStatus.Active ? MaintenanceStatus.Expiring
        : stored;

    public sealed record LicenseRow(long Id, string ProductName, string ProductCode, int Seats, string? Version, DateOnly IssuedOn, DateOnly? ExpiresOn, MaintenanceStatus Maintenance, DateOnly? MaintenanceEndsOn, DateOnly SortExpires);

    public static IQueryable<LicenseRow> Rows(IQueryable<License> query) =>
        query.Select(x => new LicenseRow(x.Id, x.ProductName, x.ProductCode, x.Seats, x.Version, x.IssuedOn, x.ExpiresOn, x.Maintenance, x.MaintenanceEndsOn, x.ExpiresOn ?? NoExpiry));
}
