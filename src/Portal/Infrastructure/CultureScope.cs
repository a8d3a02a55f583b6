using System.Globalization;

namespace Portal.Infrastructure;

/// <summary>
/// Runs a block in one culture for numbers and dates and one for the localizer's language, then puts back the
/// caller's: for text written by a background job or for a recipient, with no request to take a
/// language from.
/// </summary>
public readonly struct CultureScope : IDisposable
{
    private readonly CultureInfo _culture;
    private readonly CultureInfo _uiCulture;

    private CultureScope(CultureInfo culture, CultureInfo uiCulture)
    {
        _culture = culture;
        _uiCulture = uiCulture;
    }

    /// <summary>Formats from one culture (the operator's region, or the person's choice), words from another.</summary>
    public static CultureScope Use(CultureInfo formats, CultureInfo words)
    {
        var scope = new CultureScope(CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = formats;
        CultureInfo.CurrentUICulture = words;
        return scope;
    }

    public void Dispose()
    {
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
    }
}
