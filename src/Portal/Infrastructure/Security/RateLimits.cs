using System.Globalization;
using System.Threading.RateLimiting;

namespace Portal.Infrastructure.Security;

/// <summary>The <c>RateLimits</c> configuration section.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Off in the shared test host (its tests log in hundreds of times from one address).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Attempts allowed per window, per client address and form (and per submitted login on /login).</summary>
    public int PermitLimit { get; set; } = 10;

    public int WindowSeconds { get; set; } = 60;
}

/// <summary>
/// Throttles the forms an attacker would hammer: log in, register, forgot and reset password, accept an
/// invitation (ASVS 6.1.1, 6.3.1). A fixed window per client address and form, plus one per submitted
/// login on the login form; over the limit the answer is 429 with Retry-After and the readable error
/// page. The authoritative count is in the database (<see cref="SharedRateLimitCounter"/>), so that an
/// attacker spread over several instances gets no more tries than on one (docs/decisions/0017); each
/// instance's in-memory limiter stays in front as a cheap first layer that turns a flood away without
/// a database write. Other requests pay nothing.
/// </summary>
public static class RateLimits
{
    private const string LoginItem = "portal:rate-limit-login";

    private static readonly string[] LimitedForms = ["/login", "/register", "/forgot-password", "/reset-password", "/invitations/accept"];

    public static WebApplicationBuilder AddPortalRateLimits(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<SharedRateLimitCounter>();
        if (!options.Enabled)
        {
            return builder;
        }

        var window = WindowOf(options);
        FixedWindowRateLimiterOptions Window(string _) => new()
        {
            PermitLimit = LimitOf(options),
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        };

        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                RetryAfter(context.HttpContext.Response, context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : window);
                // No body here: the status code pages re-execute /error/429, a page in the reader's language.
                return ValueTask.CompletedTask;
            };
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => LimitedForm(http) is { } form
                    ? RateLimitPartition.GetFixedWindowLimiter(AddressKey(http, form), Window)
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(http => LimitedForm(http) == "/login" && http.Items[LoginItem] is string login
                    ? RateLimitPartition.GetFixedWindowLimiter(LoginKey(login), Window)
                    : RateLimitPartition.GetNoLimiter("")));
        });
        return builder;
    }

    public static WebApplication UsePortalRateLimits(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<RateLimitOptions>();
        if (!options.Enabled)
        {
            return app;
        }

        // The limiter's partition function cannot await: read the login form first (it is buffered, and
        // model binding reads the same copy later).
        app.Use(async (http, next) =>
        {
            if (LimitedForm(http) == "/login" && http.Request.HasFormContentType)
            {
                var form = await http.Request.ReadFormAsync(http.RequestAborted);
                // Keyed on the login as the page resolves it, so that differently written forms of one
                // phone number or e-mail address share one limit.
                var submitted = form["Input.Login"].ToString();
                if (!string.IsNullOrWhiteSpace(submitted))
                {
                    var login = Features.Identity.LoginNames.Key(submitted.Length > 256 ? submitted[..256] : submitted);
                    http.Items[LoginItem] = login;
                }
            }

            await next(http);
        });
        app.UseRateLimiter();
        app.Use(async (http, next) =>
        {
            if (LimitedForm(http) is { } form && !await SharedCountAllowsAsync(http, form, options))
            {
                return;
            }

            await next(http);
        });
        return app;
    }

    /// <summary>
    /// Counts the attempt in the shared windows (the address's, and the login's on /login); over the limit
    /// in either, answers 429 with the time until that window ends.
    /// </summary>
    private static async Task<bool> SharedCountAllowsAsync(HttpContext http, string form, RateLimitOptions options)
    {
        var counter = http.RequestServices.GetRequiredService<SharedRateLimitCounter>();
        var db = http.RequestServices.GetRequiredService<Data.PortalDb>();
        var window = WindowOf(options);
        var limit = LimitOf(options);
        var keys = new List<string>(2) { AddressKey(http, form) };
        if (http.Items[LoginItem] is string login)
        {
            keys.Add(LoginKey(login));
        }

        var wait = TimeSpan.Zero;
        foreach (var key in keys)
        {
            var count = await counter.IncrementAsync(db, key, window, http.RequestAborted);
            if (count.Count > limit && count.RemainingWindow > wait)
            {
                wait = count.RemainingWindow;
            }
        }

        if (wait == TimeSpan.Zero)
        {
            return true;
        }

        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        RetryAfter(http.Response, wait);
        // No body: the status code pages re-execute /error/429, as for the in-memory limiter.
        return false;
    }

    // One set of partitions and one window for both layers, the in-memory limiter and the shared count.
    private static string AddressKey(HttpContext http, string form) => $"{form}|{http.Connection.RemoteIpAddress}";

    private static string LoginKey(string login) => "/login|" + login;

    private static TimeSpan WindowOf(RateLimitOptions options) => TimeSpan.FromSeconds(Math.Max(1, options.WindowSeconds));

    private static int LimitOf(RateLimitOptions options) => Math.Max(1, options.PermitLimit);

    private static void RetryAfter(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static string? LimitedForm(HttpContext http)
    {
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            return null;
        }

        var path = http.Request.Path.Value?.TrimEnd('/') ?? "";
        return LimitedForms.FirstOrDefault(f => string.Equals(f, path, StringComparison.OrdinalIgnoreCase));
    }
}
