using System.Globalization;

namespace Portal.Features.Operator;

/// <summary>
/// WCAG 2.2 contrast of the operator's colours against what the layout draws with them (site.css):
/// the primary colour carries white text (buttons, the current menu item) and is the colour of links
/// on white and on the light backgrounds; the accent colour carries white text (the pay button).
/// </summary>
public static class BrandColors
{
    /// <summary>WCAG AA for normal text.</summary>
    public const double MinimumContrast = 4.5;

    public const string White = "#FFFFFF";

    /// <summary>The lightest backgrounds primary-coloured text sits on, besides white: --canvas and --info-bg (the welcome box).</summary>
    public static readonly string[] PrimaryTextBackgrounds = [White, "#F4F6F9", "#E8F0F8"];

    /// <summary>The lowest contrast the primary colour has with any text or background it is drawn with.</summary>
    public static double PrimaryContrast(string hex) => PrimaryTextBackgrounds.Min(background => Contrast(hex, background));

    /// <summary>The contrast of the accent colour with the white text it carries.</summary>
    public static double AccentContrast(string hex) => Contrast(hex, White);

    /// <summary>The contrast ratio (1 to 21) of two #rrggbb colours.</summary>
    public static double Contrast(string first, string second)
    {
        var a = RelativeLuminance(first);
        var b = RelativeLuminance(second);
        return (Math.Max(a, b) + 0.05) / (Math.Min(a, b) + 0.05);
    }

    /// <summary>WCAG's relative luminance of a #rrggbb colour: each sRGB channel linearised, then weighted.</summary>
    public static double RelativeLuminance(string hex)
    {
        if (hex is not { Length: 7 } || hex[0] != '#' || !int.TryParse(hex.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var rgb))
        {
            throw new FormatException($"Not a #rrggbb colour: {hex}");
        }

        return (0.2126 * Linear((rgb >> 16) & 0xFF)) + (0.7152 * Linear((rgb >> 8) & 0xFF)) + (0.0722 * Linear(rgb & 0xFF));

        static double Linear(int channel)
        {
            var c = channel / 255.0;
            return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
    }

    /// <summary>A ratio as people read it, rounded down so that a failing 4.49 never shows as 4.5.</summary>
    public static string Format(double ratio, IFormatProvider culture) =>
        (Math.Floor(ratio * 100) / 100).ToString("0.##", culture);
}
