using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Infrastructure.Api;

namespace Portal.Features.Usage;

/// <summary><c>POST /api/v1/usage</c>: a batch of usage records, all or nothing, idempotent per record.</summary>
public static class UsageApi
{
    public sealed record UsageBatch(IReadOnlyList<UsageRecordInput>? Records);

    public sealed record UsageBatchResult(int Received, int New, int AlreadyKnown);

    public static RouteGroupBuilder MapUsageApi(this RouteGroupBuilder api)
    {
        api.MapPost("/usage", PostAsync)
            .WithName("IngestUsage")
            .WithSummary("Adds a batch of up to 10,000 usage records. Records already known by externalId are counted, not changed.")
            .Accepts<UsageBatch>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .Produces(StatusCodes.Status401Unauthorized);
        return api;
    }

    private static async Task<Results<Ok<UsageBatchResult>, ValidationProblem>> PostAsync(HttpRequest request, UsageIngest ingest, CancellationToken ct)
    {
        var (batch, bad) = await ApiJson.ReadAsync<UsageBatch>(request, ct);
        if (batch is null)
        {
            return bad!;
        }

        return await ingest.IngestAsync(batch.Records, "records", ct) switch
        {
            UsageIngestResult.Ingested r => TypedResults.Ok(new UsageBatchResult(r.New + r.AlreadyKnown, r.New, r.AlreadyKnown)),
            UsageIngestResult.Invalid i => i.Errors.ToProblem(),
            _ => throw new InvalidOperationException("Unknown ingest result."),
        };
    }
}
