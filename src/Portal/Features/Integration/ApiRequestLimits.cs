using Microsoft.AspNetCore.Http.Features;

namespace Portal.Features.Integration;

/// <summary>
/// The integration API's transport limits, before any endpoint reads a byte: a body larger than
/// <c>IntegrationApi:MaxRequestBodyBytes</c> (default 8 MiB, far above the largest batch the limits
/// allow) is a 413 problem, declared or streamed.
/// </summary>
public static class ApiRequestLimits
{
    public const long DefaultMaxRequestBodyBytes = 8 * 1024 * 1024;

    public static IApplicationBuilder UseApiRequestLimits(this IApplicationBuilder api, long maxBodyBytes) =>
        api.Use((http, next) =>
        {
            if (http.Request.ContentLength > maxBodyBytes)
            {
                return TooLarge(http, maxBodyBytes);
            }

            // A chunked body has no length up front: Kestrel counts it and fails the read with a 413
            // BadHttpRequestException, which the endpoint's binding answers as 413 (a problem, by the
            // status code pages).
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = maxBodyBytes;
            }

            return next(http);
        });

    private static Task TooLarge(HttpContext http, long maxBodyBytes) =>
        Results.Problem(
            title: "Request body too large",
            detail: $"The body may be at most {maxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)} bytes.",
            statusCode: StatusCodes.Status413PayloadTooLarge).ExecuteAsync(http);
}
