using AngleSharp.Dom;
using Ganss.Xss;
using Markdig;

namespace Portal.Features.Operator;

/// <summary>
/// The operator's welcome message as HTML for the customer overview: plain text or limited Markdown
/// (paragraphs, emphasis, strong, links, lists, line breaks). Markdig leaves raw HTML as text, and an
/// allow-list sanitizer then drops everything else (images, scripts, other tags, attributes and link
/// schemes), so whatever was typed comes out inert.
/// </summary>
public static class WelcomeMessage
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseSoftlineBreakAsHardlineBreak()
        .Build();

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    // The overview renders on every visit and the message changes rarely: the last result is kept.
    private static volatile Rendered? _last;

    /// <summary>Safe HTML for the message (empty for none).</summary>
    public static string ToHtml(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return "";
        }

        var last = _last;
        if (last is not null && string.Equals(last.Source, message, StringComparison.Ordinal))
        {
            return last.Html;
        }

        var html = Sanitizer.Sanitize(Markdown.ToHtml(message, Pipeline)).Trim();
        _last = new Rendered(message, html);
        return html;
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "p", "em", "strong", "a", "ul", "ol", "li", "br" },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
        })
        {
            // A heading or code span Markdig made keeps its words as plain text.
            KeepChildNodes = true,
        };
        // A link the operator wrote opens nothing that can reach back into the portal's window.
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is IElement { LocalName: "a" } link)
            {
                link.SetAttribute("rel", "noopener noreferrer");
            }
        };
        return sanitizer;
    }

    private sealed record Rendered(string Source, string Html);
}
