using System.Globalization;
using System.IO.Compression;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Resources;

namespace Portal.Features.Invoices;

/// <summary>
/// The selected invoices' PDFs as one ZIP, streamed into the response: one PDF is rendered, written
/// and let go before the next, so memory holds one invoice at a time. Only the account's own invoices
/// go in; a number that is unknown or another account's is left out exactly like one that never
/// existed (and a selection with none of the account's gets the same 404 as any unknown invoice).
/// </summary>
/// <remarks>The PDFs are all amounts, as on the single PDF: a user who may not see money is refused.</remarks>
[RequiresFeature(PortalFeature.Exports)]
[RequiresPermission(Permissions.SeeMoney)]
public sealed class ZipModel(
    PortalDb db, OperatorSettingsCache settings, OperatorClock clock, ActivityLog activity, IStringLocalizer<SharedResource> l) : PageModel
{
    public string? Message { get; private set; }

    public IActionResult OnGet() => Redirect("/invoices");

    public async Task<IActionResult> OnPostAsync(string[]? invoiceNumber, CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var wanted = (invoiceNumber ?? []).Select(n => n?.Trim()).OfType<string>()
            .Where(n => n.Length is > 0 and <= 50).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
        {
            Message = l["Select at least one invoice to download."];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        if (wanted.Count > InvoiceZip.MaxInvoices)
        {
            Message = l["A download holds at most {0} invoices; you selected {1}. Select fewer and download them in parts.", InvoiceZip.MaxInvoices, wanted.Count];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        // The account scope, for every number at once: what is not the account's is simply not there.
        var numbers = await db.Invoices.AsNoTracking()
            .Where(i => i.AccountId == account.Id && wanted.Contains(i.Number))
            .OrderBy(i => i.IssueDate).ThenBy(i => i.Id)
            .Select(i => i.Number)
            .ToListAsync(ct);
        if (numbers.Count == 0)
        {
            return NotFound();
        }

        var userId = User.FindFirstValue(ClaimTypes.NameIdentifier);
        foreach (var n in numbers)
        {
            activity.Record("invoice.downloaded", userId, account.Id, detail: n);
        }

        await db.SaveChangesAsync(ct);

        var operatorSettings = await settings.GetAsync(ct);
        var today = await clock.TodayAsync(ct);
        // ZipArchive still writes an entry's header and descriptor synchronously on a stream it cannot seek.
        if (HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpBodyControlFeature>() is { } body)
        {
            body.AllowSynchronousIO = true;
        }

        Response.ContentType = "application/zip";
        Response.Headers.ContentDisposition = string.Create(CultureInfo.InvariantCulture, $"attachment; filename=\"invoices-{account.Number}-{today:yyyy-MM-dd}.zip\"");
        Response.Headers.CacheControl = "private, no-store";
        await using (var zip = await ZipArchive.CreateAsync(Response.Body, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct))
        {
            foreach (var n in numbers)
            {
                var invoice = await InvoiceDocument.LoadAsync(db, account.Id, n, ct);
                if (invoice is null)
                {
                    continue; // gone since the lookup above
                }

                var status = InvoiceStatuses.Of(invoice.IsVoid, invoice.Total, invoice.Open, invoice.DueDate, today);
                var pdf = InvoicePdf.Render(invoice, status, operatorSettings, l, CultureInfo.CurrentCulture);
                // PDFs are compressed already: storing them saves the CPU and costs almost no bytes.
                var entry = zip.CreateEntry(InvoiceZip.EntryName(invoice.Number), CompressionLevel.NoCompression);
                await using var stream = await entry.OpenAsync(ct);
                await stream.WriteAsync(pdf, ct);
            }
        }

        return new EmptyResult();
    }
}

/// <summary>The rules of the invoices ZIP, shared by the list page (its hint) and the download.</summary>
public static class InvoiceZip
{
    /// <summary>How many invoices one ZIP may hold: enough for a month's run, small enough to stream in well under a minute.</summary>
    public const int MaxInvoices = 200;

    /// <summary>An invoice number made safe as a file name inside the ZIP (no folders, no traversal).</summary>
    public static string EntryName(string number) =>
        "invoice-" + string.Concat(number.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')) + ".pdf";
}
