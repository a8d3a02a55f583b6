using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Infrastructure.Api;

/// <summary>The HTTP side of every upsert: read the body (a 400 naming the field when it cannot be read), run the upsert, map its outcome.</summary>
public static class UpsertEndpoint
{
    public static async Task<Results<Created<T>, Ok<T>, ValidationProblem, ProblemHttpResult>> HandleAsync<TRequest, T>(
        HttpRequest request, string location, Func<TRequest, Task<UpsertOutcome<T>>> upsert, CancellationToken ct)
        where TRequest : class
    {
        var (body, bad) = await ApiJson.ReadAsync<TRequest>(request, ct);
        return body is null ? bad! : (await upsert(body)).ToHttp(location);
    }
}
