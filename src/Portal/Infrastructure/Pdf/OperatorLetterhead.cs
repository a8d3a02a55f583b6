using Microsoft.Extensions.Localization;
using Portal.Features.Operator;

namespace Portal.Infrastructure.Pdf;

/// <summary>
/// The operator's letterhead for a business document (logo or wordmark, address, title, footer), made
/// here once so that every document the portal prints carries the same one.
/// </summary>
public static class OperatorLetterhead
{
    /// <summary>
    /// <paramref name="title"/> is printed as given (documents pass it upper-cased); <paramref name="document"/>
    /// names the document in the footer, after the operator's legal name.
    /// </summary>
    public static PdfLetterhead For(OperatorSettings settings, string title, string subtitle, string document, IStringLocalizer l) =>
        new(
            settings.Name,
            Lines(settings.Address),
            settings.Logo,
            settings.LogoContentType,
            settings.PrimaryColor,
            title,
            subtitle,
            string.Join("  ·  ", settings.LegalName ?? settings.Name, document),
            l["Page {0} of {1}"]);

    /// <summary>A multi-line setting (an address) as printed: one entry per line, trimmed, empty lines left out.</summary>
    public static string[] Lines(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
