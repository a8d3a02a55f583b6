using Microsoft.EntityFrameworkCore;
using Portal.Features.Orders;
using Portal.Features.Requests;
using Portal.Infrastructure.Api;

namespace Portal.Features.Quotes;

/// <summary>
/// <c>PUT /api/v1/quotes/{externalId}</c>: a priced quote. Answering a quote requested in the portal is
/// the same call with <c>portalNumber</c>: the back office's id is attached and the quote becomes Sent.
/// </summary>
public static class QuotesApi
{
    public sealed record QuoteInput(string? Account, string? Number, string? PortalNumber, string? Status, DateOnly? IssuedOn, DateOnly? ValidUntil, string? Currency, IReadOnlyList<PricedLineInput?>? Lines);

    public sealed record QuoteResponse(string? ExternalId, string Account, string Number, QuoteStatus Status, DateOnly? IssuedOn, DateOnly? ValidUntil, string Currency, decimal Total, IReadOnlyList<PricedLineResponse> Lines);

    public static RouteGroupBuilder MapQuotesApi(this RouteGroupBuilder api)
    {
        api.MapPut("/quotes/{externalId}", (string externalId, HttpRequest request, [AsParameters] UpsertServices services, RequestMail mail, CancellationToken ct) =>
                UpsertEndpoint.HandleAsync<QuoteInput, QuoteResponse>(request, $"/api/v1/quotes/{Uri.EscapeDataString(externalId)}", input => UpsertAsync(services, mail, externalId, input, ct), ct))
            .WithName("UpsertQuote").WithSummary("Creates or updates a quote (at most 1,000 lines); answers a portal quote request when portalNumber is sent.").Accepts<QuoteInput>("application/json").ProducesUpsertProblems();
        return api;
    }

    private static readonly PortalDocumentWords Words = new("quote", "portal quote request", "Quote request", "Quote already answered");

    public static async Task<UpsertOutcome<QuoteResponse>> UpsertAsync(UpsertServices services, RequestMail mail, string externalId, QuoteInput input, CancellationToken ct)
    {
        var (db, time, _) = services;
        var e = new ApiErrors();
        e.ExternalId("externalId", externalId);
        var account = await e.AccountAsync(db, "account", input.Account, ct);
        var number = e.Text("number", input.Number, 50, required: true);
        var portalNumber = e.Text("portalNumber", input.PortalNumber, 50);
        var currency = e.CurrencyOf("currency", input.Currency, account);
        var status = e.Enum<QuoteStatus>("status", input.Status) ?? QuoteStatus.Sent;
        if (input.ValidUntil < input.IssuedOn)
        {
            e.Add("validUntil", "Must not be before issuedOn.");
        }

        var lines = PricedLines.Read(e, input.Lines, currency, productRequired: false);
        if (e.Any)
        {
            return new UpsertOutcome<QuoteResponse>.Invalid(e);
        }

        var (quote, refusal) = await PortalDocuments.FindForUpsertAsync<Quote, QuoteResponse>(
            db.Quotes.Include(q => q.Lines), externalId, portalNumber, number!, account!.Id, Words, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var now = ApiWrites.Now(time);
        var created = quote is null;
        quote ??= db.Quotes.Add(new Quote { Number = number!, Currency = currency!, Source = DocumentSource.BillingSystem, RequestedAt = now, AccountId = account.Id, UpdatedAt = now }).Entity;
        quote.ExternalId = externalId;
        quote.Number = number!;
        quote.Status = status;
        quote.IssuedOn = input.IssuedOn;
        quote.ValidUntil = input.ValidUntil;
        quote.Currency = currency!;
        ApiWrites.SyncLines(db, quote.Lines, lines.Select(l => new QuoteLine
        {
            LineNumber = l.LineNumber,
            ProductCode = l.ProductCode,
            Description = l.Description,
            Quantity = l.Quantity,
            Unit = l.Unit,
            UnitPrice = l.UnitPrice,
            Amount = l.Amount,
        }), l => l.LineNumber);
        quote.Total = quote.Lines.Sum(l => l.Amount);
        var changed = !created && ApiWrites.HasChanges(db);
        if (changed)
        {
            quote.UpdatedAt = now;
        }

        // A quote the customer requested in the portal: its request follows the number the billing system
        // gave it and its status, with a line in its thread and an e-mail to its followers, in the same save.
        if (!created && quote.Source == DocumentSource.Portal && await CustomerRequestHub.FindAsync(db, RequestKind.QuoteRequest, quote.Id, ct) is { } entry)
        {
            entry.Number = quote.Number;
            if (CustomerRequestHub.MoveAndPost(db, entry, CustomerRequestHub.StatusName(quote.Status), QuoteService.IsOpenStatus(quote.Status), MessageSide.BillingSystem, null, "Billing system", now) is { } moved)
            {
                await mail.NotifyFollowersAsync(entry, moved, null, ct);
            }
        }

        if (await ApiWrites.SaveAsync<QuoteResponse>(db, services.Log, ct) is { } conflict)
        {
            return conflict;
        }

        var response = new QuoteResponse(quote.ExternalId, input.Account!.Trim(), quote.Number, quote.Status, quote.IssuedOn, quote.ValidUntil, quote.Currency, quote.Total,
            quote.Lines.OrderBy(l => l.LineNumber).Select(l => new PricedLineResponse(l.LineNumber, l.ProductCode, l.Description, l.Quantity, l.Unit, l.UnitPrice, l.Amount)).ToList());
        return created ? new UpsertOutcome<QuoteResponse>.Created(response) : new UpsertOutcome<QuoteResponse>.Updated(response, changed);
    }
}
