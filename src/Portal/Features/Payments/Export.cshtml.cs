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
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Payments;

/// <summary>
/// The payment history as CSV, in the list's order (newest first), streamed in keyset batches with
/// each batch's allocations read in one query. Times are the operator's, and the heading says so.
/// </summary>
[RequiresFeature(PortalFeature.Exports)]
[RequiresPermission(Permissions.SeeMoney)]
public sealed class ExportModel(PortalDb db, OperatorClock clock, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int Batch = 500;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var zone = await clock.ZoneAsync(ct);
        var today = await clock.TodayAsync(ct);
        var csv = await CsvDownload.StartAsync(
            Response,
            string.Create(CultureInfo.InvariantCulture, $"payments-{account.Number}-{today:yyyy-MM-dd}.csv"),
            [l["Date and time ({0} time)", OperatorClock.ZoneName(zone)], l["Payment"], l["Method"], l["Reference"], l["Currency"], l["Amount"], l["Not yet applied to an invoice"], l["Status"], l["Invoices paid"]],
            ct);
        var query = db.Payments.AsNoTracking().Where(p => p.AccountId == account.Id);
        await csv.WriteBatchesAsync(
            after => Keyset.ReadAsync(
                query, "received.desc", p => p.ReceivedAt, p => p.Id, descending: true, after,
                p => new Row(p.Id, p.Number, p.ReceivedAt, p.Method, p.MethodDetail, p.Currency, p.Amount, p.UnappliedAmount, p.Status),
                r => (r.ReceivedAt, r.Id), Batch, ct),
            async rows =>
            {
                var ids = rows.Select(r => r.Id).ToList();
                var paid = (await db.PaymentAllocations.AsNoTracking()
                        .Where(a => ids.Contains(a.PaymentId))
                        .OrderBy(a => a.Invoice!.Number)
                        .Select(a => new { a.PaymentId, a.Invoice!.Number, a.Amount })
                        .ToListAsync(ct))
                    .ToLookup(a => a.PaymentId);
                foreach (var p in rows)
                {
                    var invoices = string.Join("; ", paid[p.Id].Select(a => a.Number + " " + CsvDownload.Amount(a.Amount)));
                    csv.Row(
                        CsvDownload.Time(p.ReceivedAt, zone), CsvDownload.Text(p.Number), PaymentText.Method(p.Method, l), CsvDownload.Text(p.MethodDetail),
                        p.Currency, CsvDownload.Amount(p.Amount), CsvDownload.Amount(p.Unapplied), PaymentText.Status(p.Status, l), CsvDownload.Text(invoices));
                }
            },
            ct);
        return new EmptyResult();
    }

    private sealed record Row(
        long Id, string Number, DateTime ReceivedAt, PaymentMethodKind Method, string? MethodDetail, string Currency, decimal Amount, decimal Unapplied, PaymentStatus Status);
}
