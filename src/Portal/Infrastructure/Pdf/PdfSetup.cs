using PdfSharp.Fonts;
using PdfSharp.WPFonts;

namespace Portal.Infrastructure.Pdf;

/// <summary>
/// One-time PDFsharp set-up: the AGPL licence choice (PDFsharp refuses to run without one) and a font
/// resolver backed by the Segoe WP faces PDFsharp bundles, so no system font is needed on any host.
/// </summary>
public static class PdfSetup
{
    /// <summary>The one family documents ask for; the resolver maps every request to a bundled face.</summary>
    public const string FontFamily = "Segoe WP";

    private static readonly Lock Gate = new();
    private static bool _ready;

    public static void EnsureInitialized()
    {
        if (Volatile.Read(ref _ready))
        {
            return;
        }

        lock (Gate)
        {
            if (_ready)
            {
                return;
            }

            PdfSharp.PdfSharpLicense.SetAgplLicense();
            GlobalFontSettings.FontResolver ??= new BundledFontResolver();
            Volatile.Write(ref _ready, true);
        }
    }

    private sealed class BundledFontResolver : IFontResolver
    {
        private const string Regular = "SegoeWP";
        private const string Semibold = "SegoeWP-Semibold";
        private const string Bold = "SegoeWP-Bold";

        // Every family resolves to Segoe WP: documents use one family, and a request for an unknown one
        // (a logo font, a culture's default) must still render rather than throw.
        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
            new(bold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: italic);

        public byte[]? GetFont(string faceName) => faceName switch
        {
            Bold => FontDataHelper.SegoeWPBold,
            Semibold => FontDataHelper.SegoeWPSemibold,
            _ => FontDataHelper.SegoeWP,
        };
    }
}
