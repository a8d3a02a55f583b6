using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Export;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Credits;

/// <summary>The credit memos as CSV, with the list's filter ("open" or all, a memo number) and order, streamed in keyset batches.</summary>
[RequiresFeature(PortalFeature.Exports)]
[RequiresPermission(Permissions.SeeMoney)]
public sealed class ExportModel(PortalDb db, OperatorClock clock, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int Batch = 500;

    [BindProperty(SupportsGet = true)]
    public string? Show { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var today = await clock.TodayAsync(ct);
        var query = IndexModel.Filter(db, account.Id, Show == "open" ? "open" : "all", string.IsNullOrWhiteSpace(Q) ? null : Q.Trim());
        var csv = await CsvDownload.StartAsync(
            Response,
            string.Create(CultureInfo.InvariantCulture, $"credits-{account.Number}-{today:yyyy-MM-dd}.csv"),
            [l["Date"], l["Credit memo"], l["Reference"], l["Reason"], l["Currency"], l["Amount"], l["Remaining"], l["Status"]],
            ct);
        await csv.WriteRowsAsync(
            after => Keyset.ReadAsync(
                query, "date.desc", c => c.Date, c => c.Id, descending: true, after,
                c => new IndexModel.CreditRow(c.Id, c.Number, c.Date, c.Currency, c.Amount, c.RemainingAmount, c.Reference, c.Reason, c.IsVoid),
                r => (r.Date, r.Id), Batch, ct),
            c => csv.Row(
                CsvDownload.Date(c.Date), CsvDownload.Text(c.Number), CsvDownload.Text(c.Reference), CsvDownload.Text(c.Reason),
                c.Currency, CsvDownload.Amount(c.Amount), CsvDownload.Amount(c.Remaining), c.IsVoid ? l["Void"] : ""),
            ct);
        return new EmptyResult();
    }
}
