using System.Collections.Concurrent;
using System.Globalization;

namespace Portal.Infrastructure;

/// <summary>
/// Which culture formats numbers, amounts and dates: the language a person reads (CurrentUICulture)
/// changes the words, while the operator's region decides the formats (CurrentCulture), unless the
/// person chose formats of their own. A US-dollar operator's Spanish reader gets es-US ("$9,711.99",
/// 11/30/2026) and its French reader French words with US formats, not "9 711,99 $" and 30/11/2026.
/// </summary>
public static class RegionalFormats
{
    /// <summary>Formats a person may choose instead of the operator's region (stored as the full name, e.g. "fr-FR").</summary>
    public static readonly CultureInfo[] Choosable =
    [
        .. new[] { "en-US", "en-CA", "en-GB", "es-US", "es-MX", "es-ES", "fr-CA", "fr-FR" }.Select(name => CultureInfo.ReadOnly(new CultureInfo(name))),
    ];

    // The region an operator's currency names; a currency of many regions (EUR) names none, and the language's own formats stay.
    private static readonly Dictionary<string, string> RegionOfCurrency = new(StringComparer.OrdinalIgnoreCase)
    {
        ["USD"] = "US",
        ["CAD"] = "CA",
        ["GBP"] = "GB",
        ["MXN"] = "MX",
        ["AUD"] = "AU",
        ["NZD"] = "NZ",
    };

    // The culture whose formats stand for a region when the language has none for it (French in the US).
    private static readonly Dictionary<string, string> MainCultureOfRegion = new(StringComparer.OrdinalIgnoreCase)
    {
        ["US"] = "en-US",
        ["CA"] = "en-CA",
        ["GB"] = "en-GB",
        ["MX"] = "es-MX",
        ["AU"] = "en-AU",
        ["NZ"] = "en-NZ",
    };

    private static readonly ConcurrentDictionary<(string Language, string? Region), CultureInfo> Cache = new();

    /// <summary>The region (ISO 3166 code) an operator's currency names, or null for a currency of many regions.</summary>
    public static string? RegionOf(string? operatorCurrency) =>
        operatorCurrency is not null && RegionOfCurrency.TryGetValue(operatorCurrency, out var region) ? region : null;

    /// <summary>A country code ("US") in the reader's language ("Estados Unidos"); an unknown code shows as stored.</summary>
    public static string CountryName(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return "";
        }

        try
        {
            // RegionInfo.DisplayName is English whatever the UI culture; a culture of the reader's language in
            // that region names the region in that language: "español (Estados Unidos)".
            var region = new RegionInfo(code.Trim());
            var native = new CultureInfo($"{CultureInfo.CurrentUICulture.TwoLetterISOLanguageName}-{region.TwoLetterISORegionName}").NativeName;
            var open = native.IndexOf('(', StringComparison.Ordinal);
            var close = native.LastIndexOf(')');
            return open >= 0 && close > open ? native[(open + 1)..close] : region.DisplayName;
        }
        catch (ArgumentException)
        {
            return code;
        }
    }

    /// <summary>A format culture the person chose ("fr-FR"), or null when the preference names only a language.</summary>
    public static CultureInfo? Chosen(string? preference) =>
        preference is null || preference.Equals("en-US", StringComparison.OrdinalIgnoreCase)
            // "en-US" was stored for English before formats could be chosen: it names the language only.
            ? null
            : Choosable.FirstOrDefault(c => c.Name.Equals(preference, StringComparison.OrdinalIgnoreCase));

    /// <summary>The formats for a reader of <paramref name="language"/> under an operator billing in <paramref name="operatorCurrency"/>.</summary>
    public static CultureInfo For(CultureInfo language, string? operatorCurrency)
    {
        var region = operatorCurrency is not null && RegionOfCurrency.TryGetValue(operatorCurrency, out var r) ? r : null;
        return Cache.GetOrAdd((language.TwoLetterISOLanguageName, region), key => Build(key.Language, key.Region));
    }

    /// <summary>The formats of a saved preference: the chosen ones, or the operator's region in that language.</summary>
    public static CultureInfo For(string? preference, string? operatorCurrency) =>
        Chosen(preference) ?? For(WebSetup.Culture(preference), operatorCurrency);

    private static CultureInfo Build(string language, string? region)
    {
        var words = CultureInfo.GetCultureInfo(language);
        if (region is null)
        {
            return words;
        }

        // The region decides numbers, amounts and short dates: they come from its main culture (en-US for the
        // US). The words, month names and long date pattern come from the language, in its variant for the
        // region where it has one (es-US, fr-CA), else its own (French in the US). CLDR's es-US writes short
        // dates day first, which is exactly what a US operator's Spanish reader must not get.
        var formats = CultureInfo.GetCultureInfo(MainCultureOfRegion[region]);
        if (formats.TwoLetterISOLanguageName == language)
        {
            return formats;
        }

        var variant = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
            .FirstOrDefault(c => c.Name.Equals($"{language}-{region}", StringComparison.OrdinalIgnoreCase));
        var culture = new CultureInfo(variant?.Name ?? language);
        culture.NumberFormat = (NumberFormatInfo)formats.NumberFormat.Clone();
        var dates = culture.DateTimeFormat;
        dates.ShortDatePattern = formats.DateTimeFormat.ShortDatePattern;
        dates.ShortTimePattern = formats.DateTimeFormat.ShortTimePattern;
        dates.LongTimePattern = formats.DateTimeFormat.LongTimePattern;
        dates.DateSeparator = formats.DateTimeFormat.DateSeparator;
        dates.TimeSeparator = formats.DateTimeFormat.TimeSeparator;
        dates.FirstDayOfWeek = formats.DateTimeFormat.FirstDayOfWeek;
        dates.AMDesignator = formats.DateTimeFormat.AMDesignator;
        dates.PMDesignator = formats.DateTimeFormat.PMDesignator;
        return CultureInfo.ReadOnly(culture);
    }
}
