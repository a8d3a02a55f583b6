using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Integration;
using Portal.Features.Orders;

namespace Portal.Features.Quotes;

/// <summary>
/// <c>PUT /api/v1/quotes/{externalId}</c>: a priced quote. Answering a quote requested in the portal is
/// the same call with <c>portalNumber</c>: the back office's id is attached and the quote becomes Sent.
/// </summary>
public static class QuotesApi
{
    public sealed record QuoteInput(string? Account, string? Number, string? PortalNumber, string? Status, DateOnly? IssuedOn, DateOnly? ValidUntil, string? Currency, IReadOnlyList<PricedLineInput>? Lines);

    public sealed record QuoteResponse(string? ExternalId, string Account, string Number, string Status, DateOnly? IssuedOn, DateOnly? ValidUntil, string Currency, decimal Total, IReadOnlyList<PricedLineResponse> Lines);

    public static RouteGroupBuilder MapQuotesApi(this RouteGroupBuilder api)
    {
        api.MapPut("/quotes/{externalId}", async (string externalId, QuoteInput input, PortalDb db, TimeProvider time, CancellationToken ct) =>
                (await UpsertAsync(db, time, externalId, input, ct)).ToHttp($"/api/v1/quotes/{Uri.EscapeDataString(externalId)}"))
            .WithName("UpsertQuote").WithSummary("Creates or updates a quote; answers a portal quote request when portalNumber is sent.").ProducesUpsertProblems();
        return api;
    }

    public static async Task<UpsertOutcome<QuoteResponse>> UpsertAsync(PortalDb db, TimeProvider time, string externalId, QuoteInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("externalId", externalId, 100);
        var account = await errors.AccountAsync(db, "account", input.Account, ct);

        errors.Text("number", input.Number, 50);
        errors.Text("portalNumber", input.PortalNumber, 50, required: false);
        errors.CurrencyOf("currency", input.Currency, account);

        var status = errors.Enum<QuoteStatus>("status", input.Status) ?? QuoteStatus.Sent;

        if (input.ValidUntil < input.IssuedOn)
        {
            errors.Add("validUntil", "Must not be before issuedOn.");
        }

        var lines = input.Lines ?? [];
        PricedLines.Validate(errors, lines, productRequired: false);
        if (errors.Any)
        {
            return new UpsertOutcome<QuoteResponse>.Invalid(errors);
        }

        var (quote, refusal) = await PortalDocuments.FindForUpsertAsync<Quote, QuoteResponse>(
            db.Quotes.Include(q => q.Lines), externalId, input.PortalNumber, input.Number!, account!.Id, new("quote", "portal quote request", "Quote request", "Quote already answered"), ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var created = quote is null;
        quote ??= db.Quotes.Add(new Quote { Number = input.Number!, Currency = account!.Currency, Source = DocumentSource.BillingSystem, RequestedAt = now }).Entity;
        quote.ExternalId = externalId;
        quote.AccountId = account!.Id;
        quote.Number = input.Number!;
        quote.Status = status;
        quote.IssuedOn = input.IssuedOn;
        quote.ValidUntil = input.ValidUntil;
        quote.Currency = input.Currency!;
        quote.UpdatedAt = now;
        quote.Lines.Clear();
        quote.Lines.AddRange(lines.Select((l, i) => new QuoteLine
        {
            LineNumber = i + 1,
            ProductCode = l.ProductCode,
            Description = l.Description!,
            Quantity = l.Quantity!.Value,
            Unit = l.Unit,
            UnitPrice = l.UnitPrice!.Value,
            Amount = PricedLines.Amount(l.Quantity!.Value, l.UnitPrice!.Value, quote.Currency),
        }));
        quote.Total = quote.Lines.Sum(l => l.Amount);
        await db.SaveChangesAsync(ct);
        var response = new QuoteResponse(quote.ExternalId, input.Account!, quote.Number, quote.Status.ToString(), quote.IssuedOn, quote.ValidUntil, quote.Currency, quote.Total,
            quote.Lines.OrderBy(l => l.LineNumber).Select(l => new PricedLineResponse(l.LineNumber, l.ProductCode, l.Description, l.Quantity, l.Unit, l.UnitPrice, l.Amount)).ToList());
        return created ? new UpsertOutcome<QuoteResponse>.Created(response) : new UpsertOutcome<QuoteResponse>.Updated(response);
    }
}
