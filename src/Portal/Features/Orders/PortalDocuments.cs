using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Api;

namespace Portal.Features.Orders;

/// <summary>What orders and quotes share for the billing system's upsert: either may have started in the portal.</summary>
public interface IPortalDocument : IAccountDocument
{
    DocumentSource Source { get; }
}

/// <summary>How the refusals name the document: "order" / "portal order" / "Portal order" / "Order already acknowledged".</summary>
public sealed record PortalDocumentWords(string Name, string PortalName, string LinkedName, string AlreadyLinkedTitle)
{
    public DocumentWords Words => new(Name);
}

/// <summary>
/// Finds the document a billing-system upsert is about: by its external id or, the first time the back
/// office answers something the customer started in the portal, by the portal's number (the upsert then
/// links it). Refuses a portal number that is not on the account or is already linked (400 / 409), and,
/// through the one writer, a document of another account and a number that belongs to another document (409).
/// </summary>
public static class PortalDocuments
{
    public static async Task<(T? Document, UpsertOutcome<TResponse>? Refusal)> FindForUpsertAsync<T, TResponse>(
        IQueryable<T> documents, string externalId, string? portalNumber, string number, long accountId, PortalDocumentWords words, CancellationToken ct)
        where T : class, IPortalDocument
    {
        var document = await documents.FirstOrDefaultAsync(d => d.ExternalId == externalId, ct);
        if (document is not null && document.AccountId != accountId)
        {
            return (null, ApiWrites.OtherAccount<TResponse>(words.Words, externalId));
        }

        if (document is null && portalNumber is not null)
        {
            document = await documents.FirstOrDefaultAsync(d => d.Number == portalNumber && d.Source == DocumentSource.Portal, ct);
            if (document is null || document.AccountId != accountId)
            {
                return (null, UpsertOutcome<TResponse>.Refuse("portalNumber", $"No {words.PortalName} '{portalNumber}' on this account."));
            }

            if (document.ExternalId is not null)
            {
                return (null, new UpsertOutcome<TResponse>.Conflict(words.AlreadyLinkedTitle, $"{words.LinkedName} '{portalNumber}' is already linked to '{document.ExternalId}'."));
            }
        }

        return (document, await ApiWrites.DuplicateNumberAsync<T, TResponse>(documents, document, externalId, number, words.Words, ct));
    }
}
