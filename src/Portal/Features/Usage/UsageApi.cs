using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.Integration;

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
            .ProducesValidationProblem();
        return api;
    }

    private static async Task<Results<Ok<UsageBatchResult>, ValidationProblem>> PostAsync(UsageBatch batch, UsageIngest ingest, CancellationToken ct) =>
        await ingest.IngestAsync(batch.Records, "records", ct) switch
        {
            UsageIngestResult.Ingested r => TypedResults.Ok(new UsageBatchResult(r.New + r.AlreadyKnown, r.New, r.AlreadyKnown)),
            UsageIngestResult.Invalid i => ApiProblems.Invalid(i.Errors.ToDictionary()),
            _ => throw new InvalidOperationException(),
        };
}
