using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure;
using Portal.Infrastructure.Api;

namespace Portal.Features.Invoices;

/// <summary>
/// <c>/api/v1/invoices/{externalId}</c>. The portal computes every amount itself (line amount =
/// quantity x unit price rounded half away from zero to the currency's minor unit; subtotal, tax total,
/// total) and answers with them and the open balance; a <c>total</c> the caller sends must agree.
/// Voiding is an update (<c>"void": true</c>), allowed only while no payment or credit is applied to the
/// invoice: the billing system releases those first by re-sending the payment or credit without it.
/// </summary>
public static class InvoicesApi
{
    /// <summary>The attachments of one invoice together, decoded.</summary>
    public const int MaxAttachmentBytes = 5 * 1024 * 1024;

    public const int MaxLines = ApiErrors.MaxLines;

    public const int MaxAttachments = 20;

    private static readonly string[] AttachmentTypes = ["application/pdf", "image/png", "image/jpeg", "text/csv"];

    public sealed record InvoiceRequest
    {
        /// <summary>The account's externalId.</summary>
        [Required]
        public string? Account { get; init; }

        /// <summary>The invoice number customers see; unique across invoices.</summary>
        [Required]
        public string? Number { get; init; }

        [Required]
        public DateOnly? IssueDate { get; init; }

        /// <summary>On or after the issue date.</summary>
        [Required]
        public DateOnly? DueDate { get; init; }

        /// <summary>Must be the account's currency.</summary>
        [Required]
        public string? Currency { get; init; }

        [Required]
        public List<InvoiceLineRequest?>? Lines { get; init; }

        /// <summary>Optional check: when sent, it must equal the total the portal computes from the lines.</summary>
        public decimal? Total { get; init; }

        public string? PurchaseOrder { get; init; }

        public string? Memo { get; init; }

        public string? Branch { get; init; }

        public DateOnly? PeriodStart { get; init; }

        public DateOnly? PeriodEnd { get; init; }

        /// <summary>When sent, replaces the invoice's attachments (an empty list removes them); when absent, they are kept.</summary>
        public List<AttachmentRequest?>? Attachments { get; init; }

        /// <summary>Voids the invoice (only while nothing is applied to it); false un-voids it.</summary>
        public bool Void { get; init; }
    }

    public sealed record InvoiceLineRequest
    {
        public string? ProductCode { get; init; }

        [Required]
        public string? Description { get; init; }

        /// <summary>Not negative; at most 4 decimals.</summary>
        [Required]
        public decimal? Quantity { get; init; }

        public string? Unit { get; init; }

        /// <summary>At most 4 decimals; negative for a discount line.</summary>
        [Required]
        public decimal? UnitPrice { get; init; }

        /// <summary>In the currency's minor unit; 0 when absent.</summary>
        public decimal? TaxAmount { get; init; }

        /// <summary>Optional check: when sent, it must equal quantity x unit price rounded to the currency.</summary>
        public decimal? Amount { get; init; }
    }

    public sealed record AttachmentRequest
    {
        [Required]
        public string? FileName { get; init; }

        /// <summary>application/pdf, image/png, image/jpeg or text/csv.</summary>
        [Required]
        public string? ContentType { get; init; }

        [Required]
        public string? ContentBase64 { get; init; }
    }

    public sealed record InvoiceResponse(
        string ExternalId,
        string Account,
        string Number,
        DateOnly IssueDate,
        DateOnly DueDate,
        string Currency,
        decimal Subtotal,
        decimal TaxTotal,
        decimal Total,
        decimal OpenAmount,
        InvoiceStatus Status,
        bool Void,
        string? PurchaseOrder,
        string? Memo,
        string? Branch,
        DateOnly? PeriodStart,
        DateOnly? PeriodEnd,
        IReadOnlyList<InvoiceLineResponse> Lines,
        IReadOnlyList<AttachmentResponse> Attachments,
        DateTime CreatedAt,
        DateTime UpdatedAt);

    public sealed record InvoiceLineResponse(int LineNumber, string? ProductCode, string Description, decimal Quantity, string? Unit, decimal UnitPrice, decimal Amount, decimal TaxAmount);

    public sealed record AttachmentResponse(string FileName, string ContentType, long Length);

    private sealed record Attachment(string FileName, string ContentType, byte[] Bytes);

    public static RouteGroupBuilder MapInvoicesApi(this RouteGroupBuilder api)
    {
        api.MapPut("/invoices/{externalId}", PutAsync)
            .WithName("PutInvoice")
            .WithSummary("Creates or updates an invoice, keyed by the billing system's id; voiding is an update.")
            .WithDescription("201 with a Location header when new, 200 when updated; the response carries the computed total and open balance. 409 for a duplicate number, a change of account, a total below what is already applied, or voiding an invoice with payments or credits applied.")
            .Accepts<InvoiceRequest>("application/json")
            .ProducesUpsertProblems();
        api.MapGet("/invoices/{externalId}", GetAsync)
            .WithName("GetInvoice")
            .WithSummary("The invoice as the portal stores it, with its lines, attachments and open balance.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Produces(StatusCodes.Status401Unauthorized);
        return api;
    }

    private static Task<Results<Created<InvoiceResponse>, Ok<InvoiceResponse>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string externalId, HttpRequest request, [AsParameters] UpsertServices services, OperatorClock clock, CancellationToken ct) =>
        UpsertEndpoint.HandleAsync<InvoiceRequest, InvoiceResponse>(request, $"/api/v1/invoices/{Uri.EscapeDataString(externalId)}", body => UpsertAsync(services, clock, externalId, body, ct), ct);

    private static readonly DocumentWords Words = new("invoice");

    /// <summary>The upsert itself, shared by the API and the CSV import.</summary>
    public static async Task<UpsertOutcome<InvoiceResponse>> UpsertAsync(UpsertServices services, OperatorClock clock, string externalId, InvoiceRequest body, CancellationToken ct)
    {
        var (db, time, _) = services;
        var e = new ApiErrors();
        e.ExternalId("externalId", externalId);
        var accountExternalId = e.Text("account", body.Account, 100, required: true);
        var number = e.Text("number", body.Number, 50, required: true);
        var issueDate = e.Required("issueDate", body.IssueDate);
        var dueDate = e.Required("dueDate", body.DueDate);
        if (body.IssueDate is not null && body.DueDate is not null && dueDate < issueDate)
        {
            e.Add("dueDate", "The due date cannot be before the issue date.");
        }

        if (body.PeriodStart is { } start && body.PeriodEnd is { } end && end < start)
        {
            e.Add("periodEnd", "The period cannot end before it starts.");
        }

        var currency = e.Currency("currency", body.Currency);
        var purchaseOrder = e.Text("purchaseOrder", body.PurchaseOrder, 100);
        var memo = e.Text("memo", body.Memo, 2000, multiline: true);
        var branch = e.Text("branch", body.Branch, 50);
        var lines = Lines(e, body.Lines, currency);
        var subtotal = lines.Sum(l => l.Amount);
        var taxTotal = lines.Sum(l => l.TaxAmount);
        var total = subtotal + taxTotal;
        if (!e.AnyUnder("lines") && currency is not null)
        {
            if (total < 0m)
            {
                e.Add("lines", "The lines add up to a negative total; send a credit memo instead.");
            }
            else if (total > ApiErrors.MaxAmount || Math.Abs(subtotal) > ApiErrors.MaxAmount || Math.Abs(taxTotal) > ApiErrors.MaxAmount)
            {
                e.Add("lines", "The lines add up to more than the largest total accepted.");
            }
            else if (body.Total is { } sent && sent != total)
            {
                e.Add("total", $"The lines add up to {total.ToString(CultureInfo.InvariantCulture)} (subtotal {subtotal.ToString(CultureInfo.InvariantCulture)} + tax {taxTotal.ToString(CultureInfo.InvariantCulture)}), not {sent.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        var attachments = Attachments(e, body.Attachments);

        var account = await e.AccountAsync(db, "account", accountExternalId, ct);
        if (account is not null && currency is not null && account.Currency != currency)
        {
            e.Add("currency", $"The account bills in {account.Currency}, not {currency}.");
        }

        if (e.Any)
        {
            return new UpsertOutcome<InvoiceResponse>.Invalid(e);
        }

        var (invoice, refusal) = await ApiWrites.FindAsync<Invoice, InvoiceResponse>(db.Invoices.Include(i => i.Lines), externalId, number!, account!.Id, Words, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        // What payments and credits have taken off the invoice; the upsert never touches it.
        var applied = invoice is null ? 0m : invoice.Total - invoice.OpenAmount;
        if (body.Void && applied > 0m && invoice is { IsVoid: false })
        {
            return new UpsertOutcome<InvoiceResponse>.Conflict("Invoice has money applied", $"{applied.ToString(CultureInfo.InvariantCulture)} {currency} of payments or credits is applied to invoice '{number}'. Re-send those payments or credits without it before voiding it.");
        }

        if (total < applied)
        {
            return new UpsertOutcome<InvoiceResponse>.Conflict("Total below what is applied", $"{applied.ToString(CultureInfo.InvariantCulture)} {currency} is already applied to invoice '{number}'; its total cannot become {total.ToString(CultureInfo.InvariantCulture)}.");
        }

        var now = ApiWrites.Now(time);
        var isNew = invoice is null;
        invoice ??= db.Invoices.Add(new Invoice { AccountId = account!.Id, ExternalId = externalId, Number = number!, Currency = currency!, CreatedAt = now, UpdatedAt = now }).Entity;
        invoice.Number = number!;
        invoice.IssueDate = issueDate;
        invoice.DueDate = dueDate;
        invoice.Currency = currency!;
        invoice.Subtotal = subtotal;
        invoice.TaxTotal = taxTotal;
        invoice.Total = total;
        invoice.OpenAmount = total - applied;
        invoice.IsVoid = body.Void;
        invoice.PurchaseOrder = purchaseOrder;
        invoice.Memo = memo;
        invoice.Branch = branch;
        invoice.PeriodStart = body.PeriodStart;
        invoice.PeriodEnd = body.PeriodEnd;
        ApiWrites.SyncLines(db, invoice.Lines, lines, l => l.LineNumber);

        List<InvoiceAttachment> stored = [];
        var replaceAttachments = false;
        if (attachments is not null)
        {
            if (!isNew)
            {
                stored = await db.InvoiceAttachments.Include(a => a.Content).Where(a => a.InvoiceId == invoice.Id).OrderBy(a => a.Id).ToListAsync(ct);
            }

            replaceAttachments = !SameAttachments(stored, attachments);
        }

        // Every change to the invoice moves its concurrency version, so that a payment allocated
        // against the old figures at the same moment cannot overwrite them.
        var changed = !isNew && (ApiWrites.HasChanges(db) || replaceAttachments);
        if (changed)
        {
            invoice.UpdatedAt = now;
            invoice.Version++;
        }

        var log = services.Log;
        var conflict = replaceAttachments
            ? await ApiWrites.CommitAsync<InvoiceResponse>(db, log, async () =>
            {
                db.InvoiceAttachments.RemoveRange(stored);

                // An attachment points at its invoice by id only: a new invoice must be saved first.
                await db.SaveChangesAsync(ct);
                db.InvoiceAttachments.AddRange(attachments!.Select(a => new InvoiceAttachment
                {
                    InvoiceId = invoice.Id,
                    FileName = a.FileName,
                    ContentType = a.ContentType,
                    Length = a.Bytes.Length,
                    CreatedAt = now,
                    Content = new InvoiceAttachmentContent { Bytes = a.Bytes },
                }));
                await db.SaveChangesAsync(ct);
            }, ct)
            : await ApiWrites.SaveAsync<InvoiceResponse>(db, log, ct);
        if (conflict is not null)
        {
            return conflict;
        }

        var attachmentList = attachments is not null
            ? attachments.Select(a => new AttachmentResponse(a.FileName, a.ContentType, a.Bytes.Length)).ToList()
            : isNew ? [] : await AttachmentsOfAsync(db, invoice.Id, ct);
        var response = ToResponse(invoice, accountExternalId!, attachmentList, await clock.TodayAsync(ct));
        return isNew ? new UpsertOutcome<InvoiceResponse>.Created(response) : new UpsertOutcome<InvoiceResponse>.Updated(response, changed);
    }

    private static async Task<Results<Ok<InvoiceResponse>, ProblemHttpResult>> GetAsync(string externalId, PortalDb db, OperatorClock clock, CancellationToken ct)
    {
        var row = await db.Invoices.AsNoTracking().Include(i => i.Lines)
            .Where(i => i.ExternalId == externalId)
            .Select(i => new { Invoice = i, Account = i.Account!.ExternalId })
            .FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return ApiProblems.NotFound("Invoice", $"No invoice has externalId '{externalId}'.");
        }

        return TypedResults.Ok(ToResponse(row.Invoice, row.Account, await AttachmentsOfAsync(db, row.Invoice.Id, ct), await clock.TodayAsync(ct)));
    }

    private static Task<List<AttachmentResponse>> AttachmentsOfAsync(PortalDb db, long invoiceId, CancellationToken ct) =>
        db.InvoiceAttachments.AsNoTracking()
            .Where(a => a.InvoiceId == invoiceId)
            .OrderBy(a => a.Id)
            .Select(a => new AttachmentResponse(a.FileName, a.ContentType, a.Length))
            .ToListAsync(ct);

    private static List<InvoiceLine> Lines(ApiErrors e, List<InvoiceLineRequest?>? requested, string? currency)
    {
        var lines = new List<InvoiceLine>();
        var i = 0;
        foreach (var (at, r) in e.Items("lines", requested, MaxLines, required: true, noneMessage: "An invoice has at least one line."))
        {
            i++;

            var quantity = e.Precise($"{at}.quantity", r.Quantity, nonNegative: true);
            var unitPrice = e.Precise($"{at}.unitPrice", r.UnitPrice, nonNegative: false);
            var tax = r.TaxAmount is null ? 0m : e.Amount($"{at}.taxAmount", r.TaxAmount, currency, positive: false);
            var amount = currency is null ? 0m : Math.Round(quantity * unitPrice, Currencies.Exponent(currency), MidpointRounding.AwayFromZero);
            if (Math.Abs(amount) > ApiErrors.MaxAmount)
            {
                e.Add($"{at}.amount", "The line amount is too large.");
                amount = 0m;
            }
            else if (r.Amount is { } sent && currency is not null && sent != amount)
            {
                e.Add($"{at}.amount", $"Quantity x unit price is {amount.ToString(CultureInfo.InvariantCulture)}, not {sent.ToString(CultureInfo.InvariantCulture)}.");
            }

            lines.Add(new InvoiceLine
            {
                LineNumber = i,
                ProductCode = e.Text($"{at}.productCode", r.ProductCode, 50),
                Description = e.Text($"{at}.description", r.Description, 500, required: true) ?? "",
                Quantity = quantity,
                Unit = e.Text($"{at}.unit", r.Unit, 20),
                UnitPrice = unitPrice,
                Amount = amount,
                TaxAmount = tax,
            });
        }

        return lines;
    }

    private static List<Attachment>? Attachments(ApiErrors e, List<AttachmentRequest?>? requested)
    {
        if (requested is null)
        {
            return null;
        }

        var result = new List<Attachment>();
        long totalBytes = 0;
        foreach (var (at, r) in e.Items("attachments", requested, MaxAttachments))
        {
            var fileName = e.Text($"{at}.fileName", r.FileName, 200, required: true);
            if (fileName is not null && fileName.IndexOfAny(['/', '\\']) >= 0)
            {
                e.Add($"{at}.fileName", "A file name only, without folders.");
            }

            var contentType = e.Text($"{at}.contentType", r.ContentType, 100, required: true)?.ToLowerInvariant();
            if (contentType is not null && !AttachmentTypes.Contains(contentType, StringComparer.Ordinal))
            {
                e.Add($"{at}.contentType", $"One of {string.Join(", ", AttachmentTypes)}.");
                contentType = null;
            }

            byte[]? bytes = null;
            if (string.IsNullOrEmpty(r.ContentBase64))
            {
                e.Add($"{at}.contentBase64", ApiErrors.RequiredMessage);
            }
            else if (r.ContentBase64.Length > MaxAttachmentBytes / 3 * 4 + 8)
            {
                e.Add($"{at}.contentBase64", "The attachments of an invoice may not exceed 5 MB together.");
            }
            else
            {
                try
                {
                    bytes = Convert.FromBase64String(r.ContentBase64);
                }
                catch (FormatException)
                {
                    e.Add($"{at}.contentBase64", "Not valid base64.");
                }
            }

            if (bytes is { Length: 0 })
            {
                e.Add($"{at}.contentBase64", "The file is empty.");
            }
            else if (bytes is not null && contentType is not null && !LooksLike(bytes, contentType))
            {
                e.Add($"{at}.contentBase64", $"The content is not a {contentType} file.");
            }

            totalBytes += bytes?.Length ?? 0;
            if (fileName is not null && contentType is not null && bytes is not null)
            {
                result.Add(new Attachment(fileName, contentType, bytes));
            }
        }

        if (totalBytes > MaxAttachmentBytes)
        {
            e.Add("attachments", "The attachments of an invoice may not exceed 5 MB together.");
        }

        return result;
    }

    /// <summary>The file's own signature agrees with the declared type, so a browser never sniffs something else.</summary>
    private static bool LooksLike(byte[] bytes, string contentType) => contentType switch
    {
        "application/pdf" => bytes.AsSpan().StartsWith("%PDF-"u8),
        "image/png" => bytes.AsSpan().StartsWith((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        "image/jpeg" => bytes.AsSpan().StartsWith((byte[])[0xFF, 0xD8, 0xFF]),
        _ => !bytes.Contains((byte)0),
    };

    private static bool SameAttachments(List<InvoiceAttachment> stored, List<Attachment> sent) =>
        stored.Count == sent.Count
        && stored.Zip(sent).All(p => p.First.FileName == p.Second.FileName && p.First.ContentType == p.Second.ContentType
            && p.First.Content is not null && p.First.Content.Bytes.AsSpan().SequenceEqual(p.Second.Bytes));

    private static InvoiceResponse ToResponse(Invoice i, string account, IReadOnlyList<AttachmentResponse> attachments, DateOnly today) => new(
        i.ExternalId, account, i.Number, i.IssueDate, i.DueDate, i.Currency, i.Subtotal, i.TaxTotal, i.Total, i.OpenAmount,
        InvoiceStatuses.Of(i.IsVoid, i.Total, i.OpenAmount, i.DueDate, today), i.IsVoid, i.PurchaseOrder, i.Memo, i.Branch, i.PeriodStart, i.PeriodEnd,
        i.Lines.OrderBy(l => l.LineNumber).Select(l => new InvoiceLineResponse(l.LineNumber, l.ProductCode, l.Description, l.Quantity, l.Unit, l.UnitPrice, l.Amount, l.TaxAmount)).ToList(),
        attachments, i.CreatedAt, i.UpdatedAt);
}
