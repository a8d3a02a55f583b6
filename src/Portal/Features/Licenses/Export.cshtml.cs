using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
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

        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = string.Create(CultureInfo.InvariantCulture, $"attachment; filename=\"licenses-{today:yyyy-MM-dd}.csv\"");
        Response.Headers.CacheControl = "private, no-store";
        var buffer = new StringBuilder();
        using (var csv = CsvWriter.Create(new StringWriter(buffer, CultureInfo.InvariantCulture), CsvWriterOptions.Default, false))
        {
            string[] headings = [l["Product"], l["Product code"], l["Seats"], l["Version"], l["Issued"], l["Expires"], l["Maintenance"], l["Maintenance ends"]];
            csv.WriteRecord(headings);
        }

        await Response.Body.WriteAsync(Encoding.UTF8.GetPreamble(), ct);
        var rows = 0;
        await foreach (var row in query.AsAsyncEnumerable().WithCancellation(ct))
        {
            using (var csv = CsvWriter.Create(new StringWriter(buffer, CultureInfo.InvariantCulture), CsvWriterOptions.Default, false))
            {
                csv.WriteField(Safe(row.ProductName));
                csv.WriteField(Safe(row.ProductCode));
                csv.WriteField(row.Seats.ToString(CultureInfo.InvariantCulture));
                csv.WriteField(Safe(row.Version ?? ""));
                csv.WriteField(Formatting.Iso(row.IssuedOn));
                csv.WriteField(row.ExpiresOn is DateOnly e ? Formatting.Iso(e) : "");
                csv.WriteField(ApiName(LicenseList.Effective(row.Maintenance, row.MaintenanceEndsOn, today)));
                csv.WriteField(row.MaintenanceEndsOn is DateOnly m ? Formatting.Iso(m) : "");
                csv.EndRecord();
            }

            if (++rows % Batch == 0)
            {
                await FlushAsync(buffer, ct);
            }
        }

        await FlushAsync(buffer, ct);
        return new EmptyResult();
    }

    private async Task FlushAsync(StringBuilder buffer, CancellationToken ct)
    {
        if (buffer.Length > 0)
        {
            await Response.Body.WriteAsync(Encoding.UTF8.GetBytes(buffer.ToString()), ct);
            buffer.Clear();
        }
    }

    private static string ApiName(MaintenanceStatus status) => Portal.Infrastructure.Api.ApiEnums.Name(status);

    // A cell that a spreadsheet would run as a formula is written as text.
    private static string Safe(string value) => value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
}
