using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Features.Integration;

/// <summary>
/// What an idempotent upsert did. The API maps it to HTTP in one place (<see cref="ToHttp"/>); the CSV
/// import maps it to a line of its report.
/// </summary>
public abstract record UpsertOutcome<T>
{
    public sealed record Created(T Value) : UpsertOutcome<T>;

    public sealed record Updated(T Value) : UpsertOutcome<T>;

    public sealed record Invalid(FieldErrors Errors) : UpsertOutcome<T>;

    public sealed record Missing(string What, string Detail) : UpsertOutcome<T>;

    public sealed record Conflict(string Title, string Detail) : UpsertOutcome<T>;

    public static UpsertOutcome<T> Refuse(string field, string message)
    {
        var errors = new FieldErrors();
        errors.Add(field, message);
        return new Invalid(errors);
    }

    public Results<Created<T>, Ok<T>, ValidationProblem, ProblemHttpResult> ToHttp(string location) => this switch
    {
        Created c => TypedResults.Created(location, c.Value),
        Updated u => TypedResults.Ok(u.Value),
        Invalid i => ApiProblems.Invalid(i.Errors.ToDictionary()),
        Missing m => ApiProblems.NotFound(m.What, m.Detail),
        Conflict c => ApiProblems.Conflict(c.Title, c.Detail),
        _ => throw new InvalidOperationException("Unknown outcome."),
    };
}

public static class EndpointConventions
{
    /// <summary>
    /// The error responses of an upsert, for the OpenAPI document: 400 naming the fields, 409, 415 for a body
    /// that is not JSON, and a bare 401 (no body, by design). 404 only where the path names something that
    /// may not exist.
    /// </summary>
    public static RouteHandlerBuilder ProducesUpsertProblems(this RouteHandlerBuilder endpoint, bool notFound = false)
    {
        endpoint.ProducesValidationProblem();
        if (notFound)
        {
            endpoint.ProducesProblem(StatusCodes.Status404NotFound);
        }

        return endpoint
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .Produces(StatusCodes.Status401Unauthorized);
    }
}
