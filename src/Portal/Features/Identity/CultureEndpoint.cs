using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.Security;

namespace Portal.Features.Identity;

/// <summary>The language picker: remembers the chosen culture in a cookie and goes back.</summary>
public static class CultureEndpoint
{
    public static IEndpointRouteBuilder MapCulturePicker(this IEndpointRouteBuilder app)
    {
        app.MapGet("/culture", async (string? c, string? returnUrl, HttpContext http, OperatorSettingsCache cache) =>
        {
            // Only a language the operator offers is remembered.
            if (c is not null && Offered(await cache.GetAsync(http.RequestAborted)).FirstOrDefault(s => s.Name == c) is { } chosen)
            {
                Remember(http.Response, chosen.Name);
            }

            return Results.LocalRedirect(ReturnUrls.LocalOrDefault(returnUrl));
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Remembers a saved preference: a language ("es"), whose formats then follow the operator's region,
    /// or formats the person chose ("fr-FR": French words, France's formats).
    /// </summary>
    public static void Remember(HttpResponse response, string preference)
    {
        var language = WebSetup.Culture(preference).Name;
        var formats = RegionalFormats.Chosen(preference)?.Name ?? language;
        response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(formats, language)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
    }

    /// <summary>The cultures the operator offers, in its order; English when it lists none we support.</summary>
    public static IReadOnlyList<CultureInfo> Offered(OperatorSettings settings) => WebSetup.OfferedCultures(settings);
}
