namespace Portal.Infrastructure.Security;

/// <summary>
/// The one check for a return URL taken from a request (log in, two-factor, passkey, language picker):
/// a path on this site, or the fallback. Never thrown: a URL of any shape is either kept or replaced.
/// </summary>
public static class ReturnUrls
{
    /// <summary>Longer return URLs are refused (a real page address is far shorter; headers have limits).</summary>
    public const int MaxLength = 2048;

    /// <summary>
    /// <paramref name="url"/> when it is a local path ("/invoices?page=2"), else <paramref name="fallback"/>.
    /// Refused: absolute and scheme-relative URLs ("//host", "/\host"), any backslash (browsers read it as
    /// a slash), control characters, spaces and non-ASCII (a browser strips a tab from "/\t/host", making
    /// it "//host"; Kestrel refuses such characters in a Location header and would answer 500).
    /// </summary>
    public static string LocalOrDefault(string? url, string fallback = "/") => IsLocal(url) ? url! : fallback;

    public static bool IsLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > MaxLength || url[0] != '/')
        {
            return false;
        }

        if (url.Length > 1 && url[1] is '/' or '\\')
        {
            return false;
        }

        foreach (var c in url)
        {
            // Printable ASCII only, without the backslash.
            if (c is < '!' or > '~' or '\\')
            {
                return false;
            }
        }

        return true;
    }
}
