using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Infrastructure.Api;

/// <summary>
/// What an upsert did. The API maps it to HTTP in one place (<see cref="ToHttp"/>); the CSV import reads
/// it directly and writes a line of its report, never an HTTP status.
/// </summary>
public abstract record UpsertOutcome<T>
{
    public sealed record Created(T Value) : UpsertOutcome<T>;

    /// <summary>Found and brought up to date; <paramref name="Changed"/> is false when the request matched what was stored (nothing written).</summary>
    public sealed record Updated(T Value, bool Changed = true) : UpsertOutcome<T>;

    public sealed record Invalid(ApiErrors Errors) : UpsertOutcome<T>;

    public sealed record Missing(string What, string Detail) : UpsertOutcome<T>;

    /// <summary>Refused for the current state (409); <paramref name="Errors"/> names the item when one is at fault.</summary>
    public sealed record Conflict(string Title, string Detail, IDictionary<string, string[]>? Errors = null) : UpsertOutcome<T>;

    public static UpsertOutcome<T> Refuse(string field, string message)
    {
        var errors = new ApiErrors();
        errors.Add(field, message);
        return new Invalid(errors);
    }

    /// <summary>A write that lost a race to another writer: nothing was written, and sending it again is safe.</summary>
    public static Conflict Race { get; } = new(
        "Concurrent change",
        "Another request changed the same documents at the same time. Nothing was written; send the request again.");

    public Results<Created<T>, Ok<T>, ValidationProblem, ProblemHttpResult> ToHttp(string location) => this switch
    {
        Created c => TypedResults.Created(location, c.Value),
        Updated u => TypedResults.Ok(u.Value),
        Invalid i => i.Errors.ToProblem(),
        Missing m => ApiProblems.NotFound(m.What, m.Detail),
        Conflict { Errors: { } errors } c => ApiProblems.Conflict(c.Title, c.Detail, errors),
        Conflict c => ApiProblems.Conflict(c.Title, c.Detail),
        _ => throw new InvalidOperationException("Unknown outcome."),
    };

    /// <summary>One line for a report: what was wrong, by field or by title.</summary>
    public string? Describe() => this switch
    {
        Invalid i => string.Join("; ", i.Errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
        Missing m => $"{m.What} not found: {m.Detail}",
        Conflict c => $"{c.Title}: {c.Detail}",
        _ => null,
    };
}
