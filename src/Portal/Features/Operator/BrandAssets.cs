using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Net.Http.Headers;
using Portal.Infrastructure;

namespace Portal.Features.Operator;

/// <summary>
/// The operator's logo and colours as cacheable files, so that pages carry no inline style (the CSP
/// forbids it) and browsers fetch them once per change.
/// </summary>
public static partial class BrandAssets
{
    public static IEndpointRouteBuilder MapBrandAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/brand.css", async (OperatorSettingsCache cache, HttpContext http) =>
        {
            var s = await cache.GetAsync(http.RequestAborted);
            var primary = SafeColor(s.PrimaryColor, "#1F4E79");
            var accent = SafeColor(s.AccentColor, "#2E7D32");
            var css = string.Create(CultureInfo.InvariantCulture, $":root{{--brand:{primary};--brand-accent:{accent};}}\n");
            return Cached(http, s.UpdatedAt, () => Results.Text(css, "text/css"));
        }).AllowAnonymous().ExcludeFromDescription();

        // The settings page's preview of unsaved colours: custom properties scoped to the preview panel.
        app.MapGet("/admin/settings/preview.css", (string? primary, string? accent, HttpContext http) =>
        {
            var css = string.Create(CultureInfo.InvariantCulture, $".brand-preview{{--brand:{SafeColor(primary, "#1F4E79")};--brand-accent:{SafeColor(accent, "#2E7D32")};}}\n");
            http.Response.Headers.CacheControl = "private, max-age=300";
            return Results.Text(css, "text/css");
        }).RequireAuthorization(Identity.IdentitySetup.StaffPolicy).ExcludeFromDescription();

        app.MapGet("/brand/logo", async (OperatorSettingsCache cache, HttpContext http) =>
        {
            var s = await cache.GetAsync(http.RequestAborted);
            if (s.Logo is null || s.LogoContentType is null)
            {
                return Results.NotFound();
            }

            return Cached(http, s.UpdatedAt, () => Results.File(s.Logo, s.LogoContentType));
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static IResult Cached(HttpContext http, DateTime version, Func<IResult> body)
    {
        var etag = new EntityTagHeaderValue(string.Create(CultureInfo.InvariantCulture, $"\"{version.Ticks:x}\""));
        http.Response.Headers.ETag = etag.ToString();
        http.Response.Headers.CacheControl = "public, max-age=300";
        if (http.Request.Headers.IfNoneMatch.ToString() == etag.ToString())
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return body();
    }

    // A colour reaches CSS only as #rgb or #rrggbb: nothing else can break out of the declaration.
    private static string SafeColor(string? value, string fallback) =>
        value is not null && HexColor().IsMatch(value) ? value : fallback;

    [GeneratedRegex("^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")]
    private static partial Regex HexColor();
}
