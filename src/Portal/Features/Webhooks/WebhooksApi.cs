using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Infrastructure.Api;
using Portal.Infrastructure.Events;

namespace Portal.Features.Webhooks;

/// <summary>
/// <c>/api/v1/webhooks</c>: the billing system manages its own subscriptions. <c>PUT /webhooks/{name}</c>
/// is an idempotent upsert; the secret is write-only.
/// </summary>
public static partial class WebhooksApi
{
    public const int MinSecretLength = 32;
    public const int MaxSecretLength = 200;
    public const int DefaultDeliveryLimit = 50;
    public const int MaxDeliveryLimit = 500;

    public sealed record WebhookRequest(string? Url, IReadOnlyList<string>? EventTypes, string? Secret, bool? Active);

    public sealed record WebhookResponse(string Name, string Url, IReadOnlyList<string> EventTypes, bool Active, DateTime CreatedAt, DateTime UpdatedAt);

    public sealed record DeliveryResponse(long Id, long EventCursor, Guid EventId, string EventType, string? AccountId, string Status, int Attempts, DateTime? NextAttemptAt, int? LastStatusCode, string? LastError, DateTime CreatedAt, DateTime? DeliveredAt);

    public sealed record DeliveriesPage(IReadOnlyList<DeliveryResponse> Deliveries, long? NextCursor);

    public static RouteGroupBuilder MapWebhookEndpoints(this RouteGroupBuilder api)
    {
        var hooks = api.MapGroup("/webhooks");
        hooks.MapGet("/", ListAsync).WithName("ListWebhooks").WithSummary("Every webhook subscription.");
        hooks.MapGet("/{name}", GetAsync).WithName("GetWebhook").WithSummary("One webhook subscription.").ProducesProblem(StatusCodes.Status404NotFound);
        hooks.MapPut("/{name}", PutAsync).WithName("PutWebhook").Accepts<WebhookRequest>("application/json")
            .WithSummary("Creates or updates a webhook subscription. The secret (at least 32 characters) signs every delivery; it is required to create, optional to update, and never returned.");
        hooks.MapDelete("/{name}", DeleteAsync).WithName("DeleteWebhook").WithSummary("Deletes a subscription and its delivery log.").ProducesProblem(StatusCodes.Status404NotFound);
        hooks.MapGet("/{name}/deliveries", DeliveriesAsync).WithName("ListWebhookDeliveries")
            .WithSummary("The subscription's delivery log, newest event first. Pass nextCursor as 'before' for older ones; status filters (pending, succeeded, failed, gaveup).");
        return api;
    }

    private static async Task<Ok<List<WebhookResponse>>> ListAsync(PortalDb db, CancellationToken ct)
    {
        var rows = await db.WebhookSubscriptions.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(ToResponse).ToList());
    }

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> GetAsync(string name, PortalDb db, CancellationToken ct)
    {
        var row = await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);
        return row is null ? NotFound(name) : TypedResults.Ok(ToResponse(row));
    }

    private static async Task<Results<Created<WebhookResponse>, Ok<WebhookResponse>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string name, HttpRequest http, PortalDb db, WebhookSecrets secrets, IOptions<WebhookOptions> options, WebhookAddressGuard guard, TimeProvider time, CancellationToken ct)
    {
        // Read by the API's one JSON reader: a malformed body, a key sent twice or a null names the field.
        var (request, bad) = await ApiJson.ReadAsync<WebhookRequest>(http, ct);
        if (request is null)
        {
            return bad!;
        }

        var existing = await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Name == name, ct);
        var errors = Validate(name, request, existing is null, options.Value.AllowHttpLoopback);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        // No receiver inside the portal's own network (SSRF); checked again at every delivery.
        if (await guard.RefusalAsync(new Uri(request.Url!), ct) is { } refusal)
        {
            return ApiProblems.Invalid("url", refusal);
        }

        // Whole milliseconds: what this answer says is what both databases give back later.
        var now = DateTime.UnixEpoch.AddMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());
        var types = string.Join(',', request.EventTypes!.Select(t => t.Trim()).Distinct(StringComparer.Ordinal));
        if (existing is not null)
        {
            existing.Url = request.Url!;
            existing.EventTypes = types;
            existing.Active = request.Active ?? true;
            if (request.Secret is not null && !SameSecret(secrets, existing.ProtectedSecret, request.Secret))
            {
                existing.ProtectedSecret = secrets.Protect(request.Secret);
            }

            if (db.ChangeTracker.HasChanges())
            {
                existing.UpdatedAt = now;
            }

            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(ToResponse(existing));
        }

        // A new subscription hears about events from now on, not the whole history.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await IntegrationEventReader.WaitForWritersAsync(db, ct);
        var created = new WebhookSubscription
        {
            Name = name,
            Url = request.Url!,
            EventTypes = types,
            ProtectedSecret = secrets.Protect(request.Secret!),
            Active = request.Active ?? true,
            LastEventId = await db.IntegrationEvents.MaxAsync(e => (long?)e.Id, ct) ?? 0,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.WebhookSubscriptions.Add(created);
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two first PUTs of one name at once (the unique index refused the second): sending it again updates.
            return ApiProblems.Conflict("Webhook created concurrently", $"A subscription named '{name}' was created at the same time; send the request again to update it.");
        }

        return TypedResults.Created($"/api/v1/webhooks/{Uri.EscapeDataString(name)}", ToResponse(created));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, PortalDb db, CancellationToken ct)
    {
        var id = await db.WebhookSubscriptions.Where(s => s.Name == name).Select(s => (long?)s.Id).FirstOrDefaultAsync(ct);
        if (id is null)
        {
            return NotFound(name);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.WebhookDeliveries.Where(d => d.SubscriptionId == id).ExecuteDeleteAsync(ct);
        await db.WebhookSubscriptions.Where(s => s.Id == id).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<DeliveriesPage>, ProblemHttpResult, ValidationProblem>> DeliveriesAsync(
        string name, PortalDb db, long? before, int? limit, string? status, CancellationToken ct)
    {
        var take = limit ?? DefaultDeliveryLimit;
        if (take is < 1 or > MaxDeliveryLimit)
        {
            return ApiProblems.Invalid("limit", $"The limit must be between 1 and {MaxDeliveryLimit}.");
        }

        WebhookDeliveryStatus? filter = null;
        if (status is not null)
        {
            if (!Enum.TryParse<WebhookDeliveryStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(status, out _))
            {
                return ApiProblems.Invalid("status", "The status must be one of pending, succeeded, failed, gaveup.");
            }

            filter = parsed;
        }

        var subscriptionId = await db.WebhookSubscriptions.Where(s => s.Name == name).Select(s => (long?)s.Id).FirstOrDefaultAsync(ct);
        if (subscriptionId is null)
        {
            return NotFound(name);
        }

        var rows = await DeliveryLog.QueryAsync(db, subscriptionId.Value, filter, before, take, ct);
        var page = rows.Take(take)
            .Select(d => new DeliveryResponse(d.Id, d.EventCursor, d.EventId, d.EventType, d.AccountExternalId, StatusName(d.Status), d.Attempts,
                WebhookDelivery.IsOpen(d.Status) ? d.NextAttemptAt : null, d.LastStatusCode, d.LastError, d.CreatedAt, d.DeliveredAt))
            .ToList();
        return TypedResults.Ok(new DeliveriesPage(page, rows.Count > take ? page[^1].EventCursor : null));
    }

    // Sending the same request again changes nothing (encrypting the same secret twice gives two ciphertexts).
    private static bool SameSecret(WebhookSecrets secrets, string protectedSecret, string secret)
    {
        try
        {
            return string.Equals(secrets.Unprotect(protectedSecret), secret, StringComparison.Ordinal);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    public static string StatusName(WebhookDeliveryStatus status) => status.ToString().ToLowerInvariant();

    private static ProblemHttpResult NotFound(string name) => ApiProblems.NotFound("Webhook", $"No webhook subscription is named '{name}'.");

    private static WebhookResponse ToResponse(WebhookSubscription s) =>
        new(s.Name, s.Url, s.TypeList(), s.Active, s.CreatedAt, s.UpdatedAt);

    private static Dictionary<string, string[]> Validate(string name, WebhookRequest request, bool creating, bool allowHttpLoopback)
    {
        var errors = new Dictionary<string, string[]>();
        if (!NamePattern().IsMatch(name))
        {
            errors["name"] = ["The name is 1 to 100 letters, digits, '.', '-' or '_'."];
        }

        if (UrlError(request.Url, allowHttpLoopback) is { } urlError)
        {
            errors["url"] = [urlError];
        }

        if (request.EventTypes is null || request.EventTypes.Count == 0)
        {
            errors["eventTypes"] = ["Give at least one event type, or \"*\" for all."];
        }
        else if (request.EventTypes.Count > 50)
        {
            errors["eventTypes"] = ["Give at most 50 event types."];
        }
        else
        {
            for (var i = 0; i < request.EventTypes.Count; i++)
            {
                var t = request.EventTypes[i]?.Trim();
                if (t is null || (t != WebhookSubscription.AllTypes && !EventTypePattern().IsMatch(t)))
                {
                    errors[$"eventTypes[{i}]"] = ["An event type looks like \"payment.succeeded\", \"payment.*\" or \"*\"."];
                }
            }
        }

        if (request.Secret is null)
        {
            if (creating)
            {
                errors["secret"] = ["A secret is required to create a subscription."];
            }
        }
        else if (request.Secret.Length is < MinSecretLength or > MaxSecretLength || request.Secret.Any(char.IsControl))
        {
            errors["secret"] = [$"The secret is {MinSecretLength} to {MaxSecretLength} characters, without control characters."];
        }

        return errors;
    }

    /// <summary>Why a webhook URL is refused, or null when it is fine.</summary>
    public static string? UrlError(string? url, bool allowHttpLoopback)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "The URL must be an absolute https:// URL of at most 2000 characters.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return "The URL cannot carry credentials or a fragment; the signature authenticates the portal.";
        }

        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        var loopback = uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        return uri.Scheme == Uri.UriSchemeHttp && loopback && allowHttpLoopback
            ? null
            : "The URL must use https:// (http:// is accepted only for a loopback address in development).";
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?$")]
    private static partial Regex EventTypePattern();
}
