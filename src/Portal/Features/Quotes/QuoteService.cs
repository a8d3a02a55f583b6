using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Orders;
using Portal.Features.Requests;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Events;
using Portal.Resources;

namespace Portal.Features.Quotes;

/// <summary>A product line of a quote request, as typed.</summary>
public sealed record RequestedLine(string? Code, string? Quantity);

public abstract record QuoteAnswer
{
    public sealed record Done : QuoteAnswer;

    public sealed record NotFound : QuoteAnswer;

    /// <summary>Refused with a message for the customer; nothing was written.</summary>
    public sealed record Refused(string Message) : QuoteAnswer;
}

/// <summary>
/// What a customer does with quotes: ask for one, accept or decline one. Accepting and declining are one
/// conditional UPDATE (issued, not yet answered, valid today in the operator's calendar) in a transaction
/// with its event, so two clicks, two users or two instances answer a quote exactly once.
/// </summary>
public sealed class QuoteService(PortalDb db, OperatorClock clock, IntegrationEvents events, OrderPadService pads, IStringLocalizer<SharedResource> l)
{
    public const int MaxRequestLines = 10;
    public const int MaxRequestText = 4000;
    public const int MaxReason = 1000;

    /// <summary>Whether an issued quote has run out: its last valid day is before today in the operator's time zone.</summary>
    public static bool IsExpired(QuoteStatus status, DateOnly? validUntil, DateOnly today) =>
        status == QuoteStatus.Expired || (status == QuoteStatus.Sent && validUntil is DateOnly until && until < today);

    public static QuoteStatus Effective(QuoteStatus status, DateOnly? validUntil, DateOnly today) =>
        IsExpired(status, validUntil, today) ? QuoteStatus.Expired : status;

    public async Task<(string? Number, Dictionary<string, string> Errors)> RequestAsync(CurrentAccount account, string userId, string? text, IReadOnlyList<RequestedLine> lines, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        text = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (text is { Length: > MaxRequestText })
        {
            errors["Text"] = l["The description can be at most {0} characters.", MaxRequestText];
        }

        var wanted = lines.Select((x, i) => (Index: i, Code: x.Code?.Trim(), x.Quantity)).Where(x => !string.IsNullOrEmpty(x.Code) || !string.IsNullOrWhiteSpace(x.Quantity)).ToList();
        if (wanted.Count > MaxRequestLines)
        {
            errors["Lines"] = l["A request can name at most {0} products.", MaxRequestLines];
            wanted = [];
        }

        var codes = wanted.Where(x => !string.IsNullOrEmpty(x.Code)).Select(x => x.Code!).Distinct().ToList();
        var products = await db.Products.AsNoTracking().Where(p => codes.Contains(p.Code)).Select(p => new { p.Code, p.Name, p.Unit, p.Active }).ToListAsync(ct);
        var quoteLines = new List<QuoteLine>();
        foreach (var (index, code, quantityText) in wanted)
        {
            var product = products.FirstOrDefault(p => p.Code == code);
            var field = $"Lines[{index}]";
            if (string.IsNullOrEmpty(code))
            {
                errors[field] = l["Enter a product code for this quantity."];
                continue;
            }

            if (product is null)
            {
                errors[field] = l["There is no product with code {0} in the catalogue.", code];
                continue;
            }

            if (!product.Active)
            {
                errors[field] = l["{0} is no longer offered.", product.Name];
                continue;
            }

            var quantity = pads.ParseQuantity(quantityText, product.Unit, out var error);
            if (quantity is null)
            {
                errors[field] = product.Code + ": " + error;
                continue;
            }

            quoteLines.Add(new QuoteLine { LineNumber = quoteLines.Count + 1, ProductCode = product.Code, Description = product.Name, Quantity = quantity.Value, Unit = product.Unit });
        }

        if (text is null && wanted.Count == 0 && errors.Count == 0)
        {
            errors["Text"] = l["Describe what you need, or name at least one product."];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var now = clock.UtcNow;
        var quote = new Quote
        {
            AccountId = account.Id,
            Number = OrderPadService.NewNumber("RQ"),
            Status = QuoteStatus.Requested,
            Source = DocumentSource.Portal,
            RequestedAt = now,
            Currency = account.Currency,
            RequestText = text,
            RequestedByUserId = userId,
            UpdatedAt = now,
            Lines = quoteLines,
        };
        var externalId = await db.Accounts.Where(a => a.Id == account.Id).Select(a => a.ExternalId).FirstAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Quotes.Add(quote);
        await db.SaveChangesAsync(ct);
        // A quote request is followed on /requests and answered from the console's inbox.
        CustomerRequestHub.Open(db, account.Id, RequestKind.QuoteRequest, quote.Number, Subject(text, quoteLines), CustomerRequestHub.StatusName(quote.Status), quote.Id, userId, now);
        events.Record("quote.requested", account.Id, externalId, new
        {
            number = quote.Number,
            requestedAt = now,
            text,
            requestedBy = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct),
            lines = quoteLines.Select(x => new { x.LineNumber, x.ProductCode, x.Description, x.Quantity, x.Unit }),
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (quote.Number, errors);
    }

    /// <summary>What a quote request is about in the lists: the customer's words, or the products asked for.</summary>
    public static string Subject(string? text, IEnumerable<QuoteLine> lines)
    {
        var subject = text ?? string.Join(", ", lines.Take(3).Select(x => x.ProductCode ?? x.Description));
        subject = subject.ReplaceLineEndings(" ");
        return subject.Length <= 200 ? subject : subject[..199] + "…";
    }

    /// <summary>Whether a quote in this status still waits on someone (the operator to price it, the customer to answer).</summary>
    public static bool IsOpenStatus(QuoteStatus status) => status is QuoteStatus.Requested or QuoteStatus.Sent;

    public Task<QuoteAnswer> AcceptAsync(CurrentAccount account, string userId, string number, CancellationToken ct) =>
        AnswerAsync(account, userId, number, accept: true, reason: null, ct);

    public Task<QuoteAnswer> DeclineAsync(CurrentAccount account, string userId, string number, string? reason, CancellationToken ct) =>
        AnswerAsync(account, userId, number, accept: false, reason, ct);

    private async Task<QuoteAnswer> AnswerAsync(CurrentAccount account, string userId, string number, bool accept, string? reason, CancellationToken ct)
    {
        var quote = await db.Quotes.AsNoTracking().Where(q => q.AccountId == account.Id && q.Number == number)
            .Select(q => new { q.Id, q.Number, q.ExternalId, q.Currency, q.Total }).FirstOrDefaultAsync(ct);
        if (quote is null)
        {
            return new QuoteAnswer.NotFound();
        }

        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (!accept && reason is null)
        {
            return new QuoteAnswer.Refused(l["Tell us why you decline the quote."]);
        }

        if (reason is { Length: > MaxReason })
        {
            return new QuoteAnswer.Refused(l["The reason can be at most {0} characters.", MaxReason]);
        }

        var today = await clock.TodayAsync(ct);
        var now = clock.UtcNow;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var open = db.Quotes.Where(q => q.Id == quote.Id && q.Status == QuoteStatus.Sent && (q.ValidUntil == null || q.ValidUntil >= today));
        var changed = accept
            ? await open.ExecuteUpdateAsync(s => s
                .SetProperty(q => q.Status, QuoteStatus.Accepted)
                .SetProperty(q => q.AcceptedAt, now)
                .SetProperty(q => q.AcceptedByUserId, userId)
                .SetProperty(q => q.UpdatedAt, now), ct)
            : await open.ExecuteUpdateAsync(s => s
                .SetProperty(q => q.Status, QuoteStatus.Declined)
                .SetProperty(q => q.DeclinedAt, now)
                .SetProperty(q => q.DeclinedByUserId, userId)
                .SetProperty(q => q.DeclineReason, reason)
                .SetProperty(q => q.UpdatedAt, now), ct);
        if (changed == 0)
        {
            await tx.RollbackAsync(ct);
            var state = await db.Quotes.AsNoTracking().Where(q => q.Id == quote.Id).Select(q => new { q.Status, q.ValidUntil }).FirstAsync(ct);
            return new QuoteAnswer.Refused(state.Status switch
            {
                QuoteStatus.Accepted => l["This quote is already accepted."],
                QuoteStatus.Declined => l["This quote is already declined."],
                QuoteStatus.Requested => l["This quote has not been issued yet."],
                _ when IsExpired(state.Status, state.ValidUntil, today) => l["This quote has expired and can no longer be accepted. Ask us for a new one."],
                _ => l["This quote can no longer be answered."],
            });
        }

        var externalId = await db.Accounts.Where(a => a.Id == account.Id).Select(a => a.ExternalId).FirstAsync(ct);
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        if (await CustomerRequestHub.FindAsync(db, RequestKind.QuoteRequest, quote.Id, ct) is { } entry)
        {
            var author = await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName ?? u.Email).FirstOrDefaultAsync(ct) ?? "?";
            var status = accept ? QuoteStatus.Accepted : QuoteStatus.Declined;
            CustomerRequestHub.MoveAndPost(db, entry, CustomerRequestHub.StatusName(status), IsOpenStatus(status), MessageSide.Customer, userId, author, now);
        }

        events.Record(accept ? "quote.accepted" : "quote.declined", account.Id, externalId, accept
            ? (object)new { number = quote.Number, externalId = quote.ExternalId, currency = quote.Currency, total = quote.Total, acceptedAt = now, acceptedBy = email }
            : new { number = quote.Number, externalId = quote.ExternalId, currency = quote.Currency, total = quote.Total, declinedAt = now, declinedBy = email, reason });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new QuoteAnswer.Done();
    }
}
