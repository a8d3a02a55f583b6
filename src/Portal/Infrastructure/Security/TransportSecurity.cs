using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.HttpOverrides;
using Portal.Infrastructure.Telemetry;

namespace Portal.Infrastructure.Security;

/// <summary>The <c>Security</c> configuration section's transport settings.</summary>
public sealed class TransportSecurityOptions
{
    /// <summary>
    /// The deployment is served over HTTPS: cookies are <c>__Host-</c> and Secure, and a plain-HTTP
    /// request is sent to HTTPS (pages) or refused with a problem (the API). Off only for plain HTTP on
    /// a development machine or a loopback benchmark.
    /// </summary>
    public bool SecureCookies { get; set; } = true;

    /// <summary>Strict-Transport-Security max-age in days (a year by default; browsers ignore less than a few months for preload).</summary>
    public int HstsMaxAgeDays { get; set; } = 365;

    /// <summary>Adds includeSubDomains: set it only when every subdomain of the portal's host serves HTTPS.</summary>
    public bool HstsIncludeSubDomains { get; set; }

    /// <summary>The port plain-HTTP page requests are redirected to; unset means the default (443).</summary>
    public int? HttpsPort { get; set; }

    /// <summary>
    /// The addresses of the reverse proxies in front of the portal (nginx: see deploy/). Only a request whose
    /// connection comes from one of them has its X-Forwarded-For, X-Forwarded-Proto and X-Request-Id believed;
    /// anyone else's are ignored, so a client cannot pose as another address or as HTTPS. Empty (the default):
    /// no forwarded header is believed at all.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>The parsed <see cref="KnownProxies"/>, IPv4 also as IPv4-mapped IPv6 (how a dual-stack socket reports it).</summary>
    public IReadOnlyList<System.Net.IPAddress> ProxyAddresses() =>
        [.. KnownProxies.Select(p => System.Net.IPAddress.TryParse(p.Trim(), out var a) ? a
            : throw new InvalidOperationException($"Security:KnownProxies holds '{p}', which is not an IP address."))];

    /// <summary>Whether <paramref name="remote"/> (a connection's peer) is one of the known proxies.</summary>
    public bool IsKnownProxy(System.Net.IPAddress? remote, IReadOnlyList<System.Net.IPAddress> proxies)
    {
        if (remote is null)
        {
            return false;
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        return proxies.Contains(remote);
    }
}

/// <summary>
/// HTTPS for a deployment that requires secure cookies: plain HTTP never reaches antiforgery (whose
/// Secure cookie cannot be set over HTTP and would throw), HSTS with a real max-age, and every cookie
/// Secure whenever the request is. Forwarded headers, when a deployment configures them, run before
/// this, so <c>Request.IsHttps</c> is the client's scheme as the trusted proxy tells it.
/// </summary>
public static class TransportSecurity
{
    public static WebApplicationBuilder AddTransportSecurity(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Security").Get<TransportSecurityOptions>() ?? new TransportSecurityOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(Math.Max(1, options.HstsMaxAgeDays));
            o.IncludeSubDomains = options.HstsIncludeSubDomains;
        });
        builder.Services.Configure<CookiePolicyOptions>(o =>
        {
            o.Secure = options.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.HttpOnly = HttpOnlyPolicy.None;
            o.MinimumSameSitePolicy = SameSiteMode.Lax;
        });
        return builder;
    }

    /// <summary>First in the pipeline: before anything can set a cookie or validate antiforgery.</summary>
    public static WebApplication UseTransportSecurity(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<TransportSecurityOptions>();
        var proxies = options.ProxyAddresses();
        // Before the forwarded headers replace the peer's address: the request id is believed from the proxy only.
        app.UseRequestIds(options, proxies);
        if (proxies.Count > 0)
        {
            var forwarded = new ForwardedHeadersOptions
            {
                ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
                // The proxy's own entry only (the last one): whatever a client wrote before it is not evidence.
                ForwardLimit = 1,
            };
            // The defaults trust loopback: here exactly the configured proxies and nothing else.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                forwarded.KnownProxies.Add(proxy);
                if (proxy.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                {
                    forwarded.KnownProxies.Add(proxy.MapToIPv6());
                }
            }

            app.UseForwardedHeaders(forwarded);
        }

        app.UseCookiePolicy();
        if (!options.SecureCookies)
        {
            return app;
        }

        app.Use((http, next) =>
        {
            var request = http.Request;
            // Load balancers probe health over plain HTTP inside their network.
            if (request.IsHttps || request.Path.StartsWithSegments("/healthz"))
            {
                return next(http);
            }

            if (request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/openapi"))
            {
                // A client that sent its key in clear text is told so, not silently redirected.
                return Results.Problem(
                    title: "HTTPS required",
                    detail: "This API is served over HTTPS only. Use the https:// address.",
                    statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(http);
            }

            var host = options.HttpsPort is int port ? new HostString(request.Host.Host, port) : new HostString(request.Host.Host);
            var target = "https://" + host.ToUriComponent() + request.PathBase.ToUriComponent() + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
            // 308 keeps the method and body, so a form posted to http:// arrives as the same post over HTTPS.
            http.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
            http.Response.Headers.Location = target;
            return Task.CompletedTask;
        });
        return app;
    }
}
