using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Infrastructure.Api;

/// <summary>
/// RFC 9457 problem bodies for the integration API, one shape everywhere: a title, a detail, and for
/// bad input an <c>errors</c> map from the JSON field path (e.g. <c>lines[2].quantity</c>) to messages.
/// </summary>
public static class ApiProblems
{
    public static ProblemHttpResult NotFound(string what, string detail) =>
        TypedResults.Problem(title: $"{what} not found", detail: detail, statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status409Conflict);

    /// <summary>A 409 whose <c>errors</c> names the item at fault (an allocation the invoice cannot take).</summary>
    public static ProblemHttpResult Conflict(string title, string detail, IDictionary<string, string[]> errors) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status409Conflict, extensions: new Dictionary<string, object?> { ["errors"] = errors });

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is not valid.");

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request is not valid.");
}
