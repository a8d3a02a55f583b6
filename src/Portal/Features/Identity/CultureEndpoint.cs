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

    public static void Remember(HttpResponse response, string culture) =>
        response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });

    /// <summary>The cultures the operator offers, in its order; English when it lists none we support.</summary>
    public static IReadOnlyList<CultureInfo> Offered(OperatorSettings settings) => WebSetup.OfferedCultures(settings);
}
