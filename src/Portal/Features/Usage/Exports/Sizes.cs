using System.Globalization;

namespace Portal.Features.Usage.Exports;

/// <summary>A file size as people read it (kB, MB), in the reader's culture.</summary>
public static class Sizes
{
    public static string Format(long bytes) => bytes switch
    {
        < 1024 => string.Format(CultureInfo.CurrentCulture, "{0:N0} B", bytes),
        < 1024 * 1024 => string.Format(CultureInfo.CurrentCulture, "{0:N1} kB", bytes / 1024d),
        _ => string.Format(CultureInfo.CurrentCulture, "{0:N1} MB", bytes / (1024d * 1024d)),
    };
}
