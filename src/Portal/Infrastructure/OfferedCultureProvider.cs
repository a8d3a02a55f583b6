using Microsoft.AspNetCore.Localization;

namespace Portal.Infrastructure;

/// <summary>
/// The request's language, among those the operator offers only: a <c>?culture=</c> link, else the
/// language cookie (a user's saved choice, set at sign-in), else the browser's languages. A link or
/// cookie naming a language the operator no longer offers gives the operator's default language (the
/// first it offers), never the language itself.
/// </summary>
public sealed class OfferedCultureProvider : RequestCultureProvider
{
    private readonly QueryStringRequestCultureProvider _query = new();
    private readonly CookieRequestCultureProvider _cookie = new();
    private readonly AcceptLanguageHeaderRequestCultureProvider _browser = new();

    public override async Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var settings = await httpContext.RequestServices.GetRequiredService<OperatorSettingsCache>().GetAsync(httpContext.RequestAborted);
        var offered = WebSetup.OfferedCultures(settings);
        _query.Options = _cookie.Options = _browser.Options = Options;

        if (await _query.DetermineProviderCultureResult(httpContext) is { } asked
            && asked.UICultures.Select(c => WebSetup.Match(offered, c.Value)).FirstOrDefault(c => c is not null) is { } linked)
        {
            return WithFormats(asked, linked);
        }

        if (await _cookie.DetermineProviderCultureResult(httpContext) is { } saved)
        {
            var chosen = saved.UICultures.Select(c => WebSetup.Match(offered, c.Value)).FirstOrDefault(c => c is not null);
            return chosen is null ? new ProviderCultureResult(offered[0].Name) : WithFormats(saved, chosen);
        }

        if (await _browser.DetermineProviderCultureResult(httpContext) is { } browser
            && browser.UICultures.Select(c => WebSetup.Match(offered, c.Value)).FirstOrDefault(c => c is not null) is { } preferred)
        {
            return new ProviderCultureResult(preferred.Name);
        }

        return new ProviderCultureResult(offered[0].Name);
    }

    /// <summary>
    /// The words of <paramref name="language"/>, and the formats the link or cookie names when they are formats a
    /// person may choose ("fr-FR", RegionalFormats); otherwise the language alone, whose formats the operator's
    /// region then decides (WebSetup's regional formats step). A browser's languages never choose formats.
    /// </summary>
    private static ProviderCultureResult WithFormats(ProviderCultureResult named, System.Globalization.CultureInfo language) =>
        named.Cultures.Select(c => RegionalFormats.Chosen(c.Value)).FirstOrDefault(c => c is not null) is { } formats
            ? new ProviderCultureResult(formats.Name, language.Name)
            : new ProviderCultureResult(language.Name);
}
