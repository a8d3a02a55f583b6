using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;
using Portal.Resources;

namespace Portal.Infrastructure.Health;

/// <summary>
/// The database cannot be reached (PostgreSQL restarting, the network between, a pool exhausted): people get a
/// short 503 page that says so and asks them to try again, the API a 503 problem, never a stack trace. Nothing
/// is kept between requests, so an instance recovers by itself with the first request after the database is back.
/// </summary>
public static class DatabaseOutage
{
    public const int RetryAfterSeconds = 30;

    /// <summary>Whether <paramref name="exception"/> (or one it wraps) says the database is unreachable for now.</summary>
    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // Npgsql's own judgement: a broken or refused connection, a server shutting down or starting (57P0x),
                // too many connections (53300), a pool timeout.
                case Npgsql.NpgsqlException npgsql when npgsql.IsTransient:
                case System.Net.Sockets.SocketException:
                // SQLite: the file is locked by another writer for longer than the busy timeout, or cannot be opened.
                case Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 or 14 }:
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Outside the exception handler: when even the error page needs the database (a signed-in visitor's
    /// session is read from it), this answers in its place, with nothing but text.
    /// </summary>
    public static IApplicationBuilder UseDatabaseOutagePage(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        try
        {
            await next(http);
        }
        catch (Exception ex) when (Is(ex) && !http.Response.HasStarted)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseOutage))
                .LogWarning(ex, "The database is unreachable; answered {Path} with 503.", http.Request.Path);
            await WritePageAsync(http);
        }
    });

    private static async Task WritePageAsync(HttpContext http)
    {
        var culture = http.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture ?? CultureInfo.CurrentUICulture;
        var l = http.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        using var scope = CultureScope.Use(CultureInfo.CurrentCulture, culture);
        var title = WebUtility.HtmlEncode(l["Briefly unavailable"].Value);
        var message = WebUtility.HtmlEncode(l["We cannot reach our records at the moment. Nothing was changed. Please try again in a minute."].Value);
        http.Response.Clear();
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.CacheControl = "no-store";
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(
            $"<!DOCTYPE html><html lang=\"{culture.TwoLetterISOLanguageName}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
            $"<title>{title}</title></head><body><main><h1>{title}</h1><p>{message}</p></main></body></html>");
    }
}
