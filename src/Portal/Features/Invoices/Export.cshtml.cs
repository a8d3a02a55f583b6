using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Export;
using Portal.Resources;

namespace Portal.Features.Invoices;

/// <summary>
/// The invoice list as CSV, exactly as filtered and sorted on the page, streamed: keyset batches of
/// <see cref="Batch"/> rows are read and written in turn, so no export holds the whole list. Amount
/// columns only for users who see money.
/// </summary>
[RequiresFeature(PortalFeature.Exports)]
[RequiresPermission(Permissions.View)]
public sealed class ExportModel(PortalDb db, OperatorClock clock, IStringLocalizer<SharedResource> l) : InvoiceListPage
{
    public const int Batch = 500;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var today = await clock.TodayAsync(ct);
        Normalize(account, l);
        var query = Filter(db, account, today);
        var money = account.SeesMoney;

        List<string> headings = [l["Invoice"], l["Issued"], l["Due"], l["Purchase order"], l["Status"]];
        if (money)
        {
            headings.AddRange([l["Currency"], l["Total"], l["Open balance"]]);
        }

        var csv = await CsvDownload.StartAsync(
            Response, string.Create(CultureInfo.InvariantCulture, $"invoices-{account.Number}-{today:yyyy-MM-dd}.csv"), headings, ct);
        await csv.WriteRowsAsync(
            after => ReadPageAsync(db, query, after, Batch, ct),
            row =>
            {
                var status = InvoiceStatusText.Label(InvoiceStatuses.Of(row.IsVoid, row.Total, row.Open, row.DueDate, today), l);
                List<string> fields = [CsvDownload.Text(row.Number), CsvDownload.Date(row.IssueDate), CsvDownload.Date(row.DueDate), CsvDownload.Text(row.PurchaseOrder), status];
                if (money)
                {
                    fields.AddRange([row.Currency, CsvDownload.Amount(row.Total), CsvDownload.Amount(row.Open)]);
                }

                csv.Row([.. fields]);
            },
            ct);
        return new EmptyResult();
    }
}
