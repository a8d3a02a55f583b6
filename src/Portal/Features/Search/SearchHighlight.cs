using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace Portal.Features.Search;

/// <summary>
/// Shows where a result matched: every word of the text that starts with a searched word is wrapped
/// in &lt;mark&gt;; everything else is HTML-encoded, so a description can never inject markup.
/// </summary>
public static class SearchHighlight
{
    private const int Before = 50;
    private const int Around = 160;

    /// <summary>True when the field, as a whole or word by word, starts with a searched word.</summary>
    public static bool Matches(string? text, IReadOnlyCollection<string> words)
    {
        if (string.IsNullOrEmpty(text) || words.Count == 0)
        {
            return false;
        }

        var compact = Compact(text);
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var afterDash = dash >= 0 ? Compact(text[(dash + 1)..]) : compact;
        return words.Any(w => compact.StartsWith(w, StringComparison.Ordinal) || afterDash.StartsWith(w, StringComparison.Ordinal))
            || FirstMatch(text, words) >= 0;
    }

    /// <summary>A whole field (a number, a PO) marked when it matches.</summary>
    public static IHtmlContent Field(string text, IReadOnlyCollection<string> words) =>
        Matches(text, words)
            ? new HtmlString("<mark>" + HtmlEncoder.Default.Encode(text) + "</mark>")
            : new HtmlString(HtmlEncoder.Default.Encode(text));

    /// <summary>An excerpt of free text around its first matching word, matching words marked; null when none matches.</summary>
    public static IHtmlContent? Excerpt(string text, IReadOnlyCollection<string> words)
    {
        var first = FirstMatch(text, words);
        if (first < 0)
        {
            return null;
        }

        var start = Math.Max(0, first - Before);
        var end = Math.Min(text.Length, start + Around);
        var html = new StringBuilder();
        if (start > 0)
        {
            html.Append('…');
        }

        var i = start;
        while (i < end)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                html.Append(HtmlEncoder.Default.Encode(text[i].ToString()));
                i++;
                continue;
            }

            var wordEnd = i;
            while (wordEnd < text.Length && char.IsLetterOrDigit(text[wordEnd]))
            {
                wordEnd++;
            }

            var word = text[i..wordEnd];
            var encoded = HtmlEncoder.Default.Encode(word);
            html.Append(StartsWithAny(word, words) ? $"<mark>{encoded}</mark>" : encoded);
            i = wordEnd;
        }

        if (end < text.Length)
        {
            html.Append('…');
        }

        return new HtmlString(html.ToString());
    }

    private static int FirstMatch(string text, IReadOnlyCollection<string> words)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }

            var end = i;
            while (end < text.Length && char.IsLetterOrDigit(text[end]))
            {
                end++;
            }

            if (StartsWithAny(text[i..end], words))
            {
                return i;
            }

            i = end;
        }

        return -1;
    }

    private static bool StartsWithAny(string word, IReadOnlyCollection<string> words)
    {
        var lower = word.ToLowerInvariant();
        return words.Any(w => lower.StartsWith(w, StringComparison.Ordinal));
    }

    private static string Compact(string text) => string.Concat(text.Where(char.IsLetterOrDigit)).ToLowerInvariant();
}
