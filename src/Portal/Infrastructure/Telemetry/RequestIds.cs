using System.Net;
using Portal.Infrastructure.Security;

namespace Portal.Infrastructure.Telemetry;

/// <summary>
/// One id per request that the proxy's access log, the portal's log lines and the answer all carry: the
/// proxy's <c>X-Request-Id</c> when the request comes from a known proxy (nginx's <c>$request_id</c>, see
/// deploy/), else the request's trace id. It is the <c>RequestId</c> of a logging scope around the whole
/// request, so every structured log line written while serving it names it, and it goes back in the
/// <c>X-Request-Id</c> response header for a user or an operator to quote.
/// </summary>
public static class RequestIds
{
    public const string Header = "X-Request-Id";

    private const int MaxLength = 64;

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app, TransportSecurityOptions options, IReadOnlyList<IPAddress> proxies)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Portal.Requests");
        return app.Use(async (http, next) =>
        {
            var id = FromProxy(http, options, proxies)
                ?? System.Diagnostics.Activity.Current?.TraceId.ToHexString()
                ?? http.TraceIdentifier;
            http.TraceIdentifier = id;
            http.Response.Headers[Header] = id;
            using (logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = id }))
            {
                await next(http);
            }
        });
    }

    private static string? FromProxy(HttpContext http, TransportSecurityOptions options, IReadOnlyList<IPAddress> proxies)
    {
        if (!options.IsKnownProxy(http.Connection.RemoteIpAddress, proxies))
        {
            return null;
        }

        var value = http.Request.Headers[Header].ToString();
        // Only what a proxy would make (nginx: 32 hex digits); anything else could smuggle text into the logs.
        return value.Length is > 0 and <= MaxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? value : null;
    }
}
