using System.Xml;

namespace Portal.Features.Admin.Settings;

/// <summary>
/// Decides whether an uploaded file may become the operator's logo, by its content alone (never by the
/// name or the browser's content type): a PNG, or an SVG that can do nothing but draw. The logo is served
/// from the portal's own origin, so an SVG that could run script or load something else is refused even
/// though the CSP would block it too.
/// </summary>
public static class LogoFile
{
    public const int MaxBytes = 512 * 1024;

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    // Elements that run script, embed other documents or animate attributes (an animated href is a link).
    private static readonly HashSet<string> ForbiddenElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "foreignObject", "iframe", "embed", "object", "handler", "listener", "set", "animate",
        "animateMotion", "animateTransform", "animateColor", "discard",
    };

    /// <summary>The content type to serve, or an error: an English text (a localizer key) with {0} for <see cref="Detail"/>.</summary>
    public sealed record Result(string? ContentType, string? Error, string? Detail = null)
    {
        public bool IsValid => ContentType is not null;
    }

    public static Result Check(ReadOnlySpan<byte> content)
    {
        if (content.Length == 0)
        {
            return Refuse("The file is empty.");
        }

        if (content.Length > MaxBytes)
        {
            return Refuse("The logo must be at most 512 KB.");
        }

        if (content.StartsWith(PngSignature))
        {
            return new Result("image/png", null);
        }

        return CheckSvg(content.ToArray());
    }

    private static Result CheckSvg(byte[] content)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreWhitespace = true,
            MaxCharactersInDocument = MaxBytes * 4L,
        };
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            using var reader = XmlReader.Create(stream, settings);
            var sawRoot = false;
            while (reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.ProcessingInstruction:
                        return Refuse("The SVG contains a processing instruction.");
                    case XmlNodeType.Element:
                        if (!sawRoot)
                        {
                            sawRoot = true;
                            if (reader.LocalName != "svg" || reader.NamespaceURI != "http://www.w3.org/2000/svg")
                            {
                                return Refuse("The file is neither a PNG nor an SVG image.");
                            }
                        }

                        if (ForbiddenElements.Contains(reader.LocalName))
                        {
                            return Refuse("The SVG contains a <{0}> element, which a logo may not have.", reader.LocalName);
                        }

                        if (CheckAttributes(reader) is { } problem)
                        {
                            return problem;
                        }

                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA:
                        if (HasExternalReference(reader.Value))
                        {
                            return Refuse("The SVG's styles load something from elsewhere.");
                        }

                        break;
                }
            }

            return sawRoot ? new Result("image/svg+xml", null) : Refuse("The file is neither a PNG nor an SVG image.");
        }
        catch (XmlException)
        {
            return Refuse("The file is neither a PNG nor a well-formed SVG image.");
        }
    }

    private static Result? CheckAttributes(XmlReader reader)
    {
        if (!reader.MoveToFirstAttribute())
        {
            return null;
        }

        try
        {
            do
            {
                var name = reader.LocalName;
                var value = reader.Value.Trim();
                if (name.StartsWith("on", StringComparison.OrdinalIgnoreCase))
                {
                    return Refuse("The SVG has an event handler ({0}), which a logo may not have.", reader.Name);
                }

                if (reader.Prefix == "xmlns" || (reader.Prefix.Length == 0 && name == "xmlns"))
                {
                    continue;
                }

                if (name.Equals("href", StringComparison.OrdinalIgnoreCase) && !value.StartsWith('#'))
                {
                    return Refuse("The SVG links to something outside itself; only links within the file (#id) are allowed.");
                }

                if (value.Contains("javascript:", StringComparison.OrdinalIgnoreCase) || HasExternalReference(value))
                {
                    return Refuse("The SVG's {0} attribute refers to something outside the file.", reader.Name);
                }
            }
            while (reader.MoveToNextAttribute());
            return null;
        }
        finally
        {
            reader.MoveToElement();
        }
    }

    // CSS can load other resources: @import, or url(...) to anything but a fragment of this file.
    private static bool HasExternalReference(string text)
    {
        if (text.Contains("@import", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var at = 0;
        while ((at = text.IndexOf("url(", at, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            at += 4;
            var target = text[at..].TrimStart().TrimStart('"', '\'').TrimStart();
            if (!target.StartsWith('#'))
            {
                return true;
            }
        }

        return false;
    }

    private static Result Refuse(string error, string? detail = null) => new(null, error, detail);
}
