namespace Portal.Infrastructure;

/// <summary>
/// Which page routes this build serves. Links to features whose pages come later (a service-call form,
/// document search, statements) are shown only once the page exists, so a switched-on feature never
/// leads a customer to a 404.
/// </summary>
public sealed class PageRoutes(EndpointDataSource endpoints)
{
    private HashSet<string>? _routes;

    public bool Exists(string path) =>
        (_routes ??= endpoints.Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").Trim('/'))
            .ToHashSet(StringComparer.OrdinalIgnoreCase))
        .Contains("/" + path.Trim('/'));
}
