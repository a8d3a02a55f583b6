using System.Text.Json;

namespace Portal.Features.Events;

/// <summary>
/// An integration event as the billing system receives it, by webhook and by polling:
/// <c>{ id, type, occurredAt, account: { id }, data }</c>. <c>id</c> is stable across redeliveries, so a
/// receiver discards a duplicate by it; <c>account.id</c> is the account's external id.
/// </summary>
public sealed record EventEnvelope(Guid Id, string Type, DateTime OccurredAt, EventAccount? Account, JsonElement Data)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static EventEnvelope Create(Guid id, string type, DateTime occurredAt, string? accountExternalId, string payload)
    {
        using var data = JsonDocument.Parse(payload);
        return new EventEnvelope(id, type, occurredAt, accountExternalId is null ? null : new EventAccount(accountExternalId), data.RootElement.Clone());
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

public sealed record EventAccount(string Id);
