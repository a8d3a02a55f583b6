namespace Portal.Infrastructure.Api;

/// <summary>What every integration endpoint declares the same way in the OpenAPI document.</summary>
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
