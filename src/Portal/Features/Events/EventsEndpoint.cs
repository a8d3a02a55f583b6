using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure.Api;
using Portal.Infrastructure.Events;

namespace Portal.Features.Events;

/// <summary>
/// <c>GET /api/v1/events?after=CURSOR&amp;limit=100&amp;type=...</c>: the event outbox by cursor, for
/// billing systems that poll instead of (or as well as) receiving webhooks. At least once and in order:
/// a poller stores <c>nextCursor</c> only after it has processed the page.
/// </summary>
public static class EventsEndpoint
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public sealed record PolledEvent(long Cursor, Guid Id, string Type, DateTime OccurredAt, EventAccount? Account, JsonElement Data);

    public sealed record EventsPage(IReadOnlyList<PolledEvent> Events, long NextCursor, bool HasMore);

    public static RouteGroupBuilder MapEventsEndpoint(this RouteGroupBuilder api)
    {
        api.MapGet("/events", GetAsync)
            .WithName("ListEvents")
            .WithSummary("Integration events after a cursor, oldest first. Pass the returned nextCursor as 'after' to continue.");
        return api;
    }

    private static async Task<Results<Ok<EventsPage>, ValidationProblem>> GetAsync(PortalDb db, long? after, int? limit, string? type, CancellationToken ct)
    {
        var cursor = after ?? 0;
        var take = limit ?? DefaultLimit;
        if (cursor < 0)
        {
            return ApiProblems.Invalid("after", "The cursor cannot be negative.");
        }

        if (take is < 1 or > MaxLimit)
        {
            return ApiProblems.Invalid("limit", $"The limit must be between 1 and {MaxLimit}.");
        }

        var types = type?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (types.Length > 20 || types.Any(t => t.Length > 100))
        {
            return ApiProblems.Invalid("type", "Give at most 20 event types, each at most 100 characters.");
        }

        // PostgreSQL refuses a NUL in a text parameter (a 500 before this check); no event type has control characters.
        if (types.Any(t => t.Any(char.IsControl)))
        {
            return ApiProblems.Invalid("type", "An event type has no control characters.");
        }

        await using var tx = await IntegrationEventReader.BeginConsistentReadAsync(db, ct);
        var query = db.IntegrationEvents.AsNoTracking().Where(e => e.Id > cursor);
        query = types.Length switch
        {
            0 => query,
            1 => query.Where(e => e.Type == types[0]),
            _ => query.Where(e => types.Contains(e.Type)),
        };
        var rows = await query.OrderBy(e => e.Id).Take(take + 1).ToListAsync(ct);
        if (tx is not null)
        {
            await tx.CommitAsync(ct);
        }

        var page = rows.Take(take)
            .Select(e =>
            {
                var envelope = EventEnvelope.Create(e.EventId, e.Type, e.OccurredAt, e.AccountExternalId, e.Payload);
                return new PolledEvent(e.Id, envelope.Id, envelope.Type, envelope.OccurredAt, envelope.Account, envelope.Data);
            })
            .ToList();
        return TypedResults.Ok(new EventsPage(page, page.Count > 0 ? page[^1].Cursor : cursor, rows.Count > take));
    }
}
