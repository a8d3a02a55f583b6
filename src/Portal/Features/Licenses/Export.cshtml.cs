using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Export;
using Portal.Resources;

namespace Portal.Features.Licenses;

/// <summary>
/// The license inventory as CSV, with the page's filter and order, streamed: rows are read one at a time
/// and written out in batches, so an inventory of any size never sits in memory. Codes are not in it
/// (they are revealed one at a time, on the page, with a trail entry).
/// </summary>
[RequiresFeature(PortalFeature.Licenses)]
[RequiresPermission(Permissions.View)]
public sealed class ExportModel(PortalDb db, OperatorClock clock, IStringLocalizer<SharedResource> l) : PageModel
{
    private const int Batch = 500;

    [BindProperty(SupportsGet = true)]
    public string? Filter { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var filter = LicenseList.Filters.Contains(Filter?.Trim().ToLowerInvariant()) ? Filter!.Trim().ToLowerInvariant() : "all";
        var today = await clock.TodayAsync(ct);
        var licenses = LicenseList.Query(db, HttpContext.CurrentAccount().Id, filter, today);
        var query = LicenseList.Rows(Sort?.Trim().ToLowerInvariant() == "expires"
            ? licenses.OrderBy(x => x.ExpiresOn ?? LicenseList.NoExpiry).ThenBy(x => x.Id)
            : licenses.OrderBy(x => x.ProductName).ThenBy(x => x.Id));

        var csv = await CsvDownload.StartAsync(
            Response,
            string.Create(CultureInfo.InvariantCulture, $"licenses-{today:yyyy-MM-dd}.csv"),
            [l["Product"], l["Product code"], l["Seats"], l["Version"], l["Issued"], l["Expires"], l["Maintenance"], l["Maintenance ends"]],
            ct);
        var rows = 0;
        await foreach (var row in query.AsAsyncEnumerable().WithCancellation(ct))
        {
            csv.Row(
                CsvDownload.Text(row.ProductName), CsvDownload.Text(row.ProductCode), row.Seats.ToString(CultureInfo.InvariantCulture), CsvDownload.Text(row.Version),
                CsvDownload.Date(row.IssuedOn), row.ExpiresOn is DateOnly e ? CsvDownload.Date(e) : "",
                ApiName(LicenseList.Effective(row.Maintenance, row.MaintenanceEndsOn, today)), row.MaintenanceEndsOn is DateOnly m ? CsvDownload.Date(m) : "");
            if (++rows % Batch == 0)
            {
                await csv.FlushAsync(ct);
            }
        }

        await csv.FlushAsync(ct);
        return new EmptyResult();
    }

    private static string ApiName(MaintenanceStatus status) => Portal.Infrastructure.Api.ApiEnums.Name(status);
}
