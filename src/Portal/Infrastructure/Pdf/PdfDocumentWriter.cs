using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Portal.Infrastructure.Pdf;

/// <summary>What is printed at the top and bottom of every page of a business document.</summary>
public sealed record PdfLetterhead(
    string OperatorName,
    IReadOnlyList<string> AddressLines,
    byte[]? Logo,
    string? LogoContentType,
    string BrandColor,
    string Title,
    string Subtitle,
    string FooterText,
    string PageLabelFormat);

public enum PdfAlign
{
    Left,
    Right,
}

/// <summary>A table column: header, share of the table's width, alignment, and whether its text wraps.</summary>
public sealed record PdfColumn(string Header, double Weight, PdfAlign Align = PdfAlign.Left, bool Wrap = false);

/// <summary>
/// Writes a business document top to bottom on Letter pages: the letterhead on every page, flowing
/// text and tables that break onto new pages (repeating table headers), and "page x of y" footers.
/// Coordinates are points; <see cref="Y"/> is the next free line.
/// </summary>
public sealed class PdfDocumentWriter : IDisposable
{
    public const double Margin = 48;
    private const double FooterHeight = 30;
    private const double CellPadding = 4;

    private static readonly char[] LineBreaks = ['\r', '\n'];

    private static readonly XColor Ink = XColor.FromArgb(27, 31, 36);
    private static readonly XColor Soft = XColor.FromArgb(74, 83, 96);
    private static readonly XColor Line = XColor.FromArgb(200, 206, 214);
    private static readonly XColor Shade = XColor.FromArgb(238, 241, 245);
    private static readonly XColor RowShade = XColor.FromArgb(248, 250, 252);

    private readonly PdfDocument _document;
    private readonly PdfLetterhead _letterhead;
    private readonly XImage? _logo;
    private readonly XPen _rowRule = new(Line, 0.5);
    private readonly XBrush _rowShade = new XSolidBrush(RowShade);
    private XPen? _headerRule; // in the operator's brand colour, which the constructor sets
    private readonly Dictionary<XColor, XBrush> _fills = [];
    private readonly double _bodyLineHeight;
    private readonly Dictionary<XFont, Dictionary<char, double>> _advances = new(ReferenceEqualityComparer.Instance);
    private XGraphics? _gfx;

    public PdfDocumentWriter(PdfLetterhead letterhead)
    {
        PdfSetup.EnsureInitialized();
        _document = new PdfDocument();
        // Content streams are still compressed, with the fastest deflate: a year's statement is some 250
        // pages, and the best level cost more time than its few percent of size are worth.
        _document.Options.FlateEncodeMode = PdfFlateEncodeMode.BestSpeed;
        _letterhead = letterhead;
        _logo = LoadLogo(letterhead.Logo, letterhead.LogoContentType);
        Brand = ParseColor(letterhead.BrandColor);
        Body = new XFont(PdfSetup.FontFamily, 9.5);
        Bold = new XFont(PdfSetup.FontFamily, 9.5, XFontStyleEx.Bold);
        Small = new XFont(PdfSetup.FontFamily, 8);
        Heading = new XFont(PdfSetup.FontFamily, 11, XFontStyleEx.Bold);
        Large = new XFont(PdfSetup.FontFamily, 13, XFontStyleEx.Bold);
        _bodyLineHeight = Body.GetHeight() * 1.15;
        _document.Info.Title = $"{letterhead.Title} {letterhead.Subtitle}";
        _document.Info.Author = letterhead.OperatorName;
        _document.Info.Creator = letterhead.OperatorName;
        NewPage();
    }

    public XFont Body { get; }

    public XFont Bold { get; }

    public XFont Small { get; }

    public XFont Heading { get; }

    public XFont Large { get; }

    public XColor Brand { get; }

    public XBrush InkBrush { get; } = new XSolidBrush(Ink);

    public XBrush SoftBrush { get; } = new XSolidBrush(Soft);

    public double Y { get; set; }

    public double Left => Margin;

    public double Right => PageWidth - Margin;

    public double Width => Right - Left;

    public int PageCount => _document.PageCount;

    private double PageWidth { get; set; }

    private double Bottom { get; set; }

    private XGraphics Gfx => _gfx ?? throw new ObjectDisposedException(nameof(PdfDocumentWriter));

    /// <summary>Starts a new page below its letterhead.</summary>
    public void NewPage()
    {
        _gfx?.Dispose();
        var page = _document.AddPage();
        page.Size = PageSize.Letter;
        PageWidth = page.Width.Point;
        Bottom = page.Height.Point - Margin - FooterHeight;
        _gfx = XGraphics.FromPdfPage(page);
        DrawLetterhead(_document.PageCount == 1);
    }

    /// <summary>Breaks to a new page unless <paramref name="height"/> points still fit on this one.</summary>
    public void EnsureSpace(double height)
    {
        if (Y + height > Bottom)
        {
            NewPage();
        }
    }

    public double LineHeight(XFont font) => ReferenceEquals(font, Body) ? _bodyLineHeight : font.GetHeight() * 1.15;

    /// <summary>
    /// The width of <paramref name="text"/>: the sum of its characters' advance widths, each asked of PDFsharp
    /// once per font and kept (PDFsharp adds the same widths, without kerning). A year's statement measures
    /// tens of thousands of cells; measuring each through PDFsharp looked every glyph up again.
    /// </summary>
    public double Measure(string text, XFont font)
    {
        if (!_advances.TryGetValue(font, out var advances))
        {
            _advances[font] = advances = [];
        }

        var width = 0.0;
        foreach (var ch in text)
        {
            if (char.IsSurrogate(ch))
            {
                return Gfx.MeasureString(text, font).Width; // a character outside the BMP: PDFsharp measures it whole
            }

            if (!advances.TryGetValue(ch, out var advance))
            {
                advances[ch] = advance = Gfx.MeasureString(ch.ToString(), font).Width;
            }

            width += advance;
        }

        return width;
    }

    /// <summary>One line of text at the current line, without moving down.</summary>
    public void Text(string text, XFont font, double x, double width, PdfAlign align = PdfAlign.Left, XBrush? brush = null)
    {
        if (text.Length == 0)
        {
            return; // nothing to show (a statement line has an empty charge or credit cell): no text object
        }

        if (align == PdfAlign.Right)
        {
            // Placed from its measured width here, as PDFsharp's TopRight would, without PDFsharp measuring it again.
            var measured = Measure(text, font);
            x += width - measured;
            width = measured;
        }

        Gfx.DrawString(text, font, brush ?? InkBrush, new XRect(x, Y, width, LineHeight(font)), XStringFormats.TopLeft);
    }

    /// <summary>Wrapped text from the current line down, breaking pages as needed.</summary>
    public void Paragraph(string text, XFont font, double x, double width, XBrush? brush = null)
    {
        foreach (var line in Wrap(text, font, width))
        {
            EnsureSpace(LineHeight(font));
            Text(line, font, x, width, PdfAlign.Left, brush);
            Y += LineHeight(font);
        }
    }

    public void Gap(double points) => Y += points;

    public void Rule(double thickness = 0.75, XColor? color = null)
    {
        Gfx.DrawLine(new XPen(color ?? Line, thickness), Left, Y, Right, Y);
    }

    public void FillRect(double x, double y, double width, double height, XColor color)
    {
        // One brush per colour for the document: a long table fills its header on every page.
        if (!_fills.TryGetValue(color, out var brush))
        {
            brush = new XSolidBrush(color);
            _fills[color] = brush;
        }

        Gfx.DrawRectangle(brush, x, y, width, height);
    }

    /// <summary>
    /// A table across the page width. Rows never split across pages; when one does not fit, the page
    /// breaks and the header is repeated.
    /// </summary>
    public void Table(IReadOnlyList<PdfColumn> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var widths = ColumnWidths(columns);
        var lineHeight = LineHeight(Body);
        var headerHeight = LineHeight(Bold) + (2 * CellPadding);
        DrawHeader();

        var shaded = false;
        var cells = new IReadOnlyList<string>?[columns.Count];
        foreach (var row in rows)
        {
            // Most cells are one line: only a wrapping column whose text does not fit gets a list of lines.
            var lines = 1;
            for (var c = 0; c < columns.Count; c++)
            {
                var text = c < row.Count ? row[c] : "";
                cells[c] = columns[c].Wrap ? Wrap(text, Body, widths[c] - (2 * CellPadding)) : null;
                lines = Math.Max(lines, cells[c]?.Count ?? 1);
            }

            var height = (lines * lineHeight) + (2 * CellPadding);
            if (Y + height > Bottom)
            {
                NewPage();
                DrawHeader();
            }

            if (shaded)
            {
                Gfx.DrawRectangle(_rowShade, Left, Y, Width, height);
            }

            shaded = !shaded;
            var x = Left;
            for (var c = 0; c < columns.Count; c++)
            {
                var top = Y;
                Y += CellPadding;
                if (cells[c] is { } wrapped)
                {
                    foreach (var line in wrapped)
                    {
                        Text(line, Body, x + CellPadding, widths[c] - (2 * CellPadding), columns[c].Align);
                        Y += lineHeight;
                    }
                }
                else
                {
                    Text(c < row.Count ? row[c] : "", Body, x + CellPadding, widths[c] - (2 * CellPadding), columns[c].Align);
                }

                Y = top;
                x += widths[c];
            }

            Y += height;
            Gfx.DrawLine(_rowRule, Left, Y, Right, Y);
        }

        Gap(6);

        void DrawHeader()
        {
            EnsureSpace(headerHeight + lineHeight + (2 * CellPadding));
            FillRect(Left, Y, Width, headerHeight, Shade);
            var x = Left;
            var top = Y;
            Y += CellPadding;
            for (var c = 0; c < columns.Count; c++)
            {
                Text(columns[c].Header, Bold, x + CellPadding, widths[c] - (2 * CellPadding), columns[c].Align);
                x += widths[c];
            }

            Y = top + headerHeight;
            Gfx.DrawLine(_headerRule ??= new XPen(Brand, 1), Left, Y, Right, Y);
        }
    }

    /// <summary>
    /// The columns' widths: shares of the page by weight, then widened where a header (in the reader's
    /// language: "Precio unitario" is longer than "Unit price") would not fit, the room taken from the
    /// columns with some to spare (wrapping ones first), so that no header runs into its neighbour.
    /// </summary>
    public double[] ColumnWidths(IReadOnlyList<PdfColumn> columns)
    {
        var total = columns.Sum(c => c.Weight);
        var widths = columns.Select(c => Width * c.Weight / total).ToArray();
        var needed = columns.Select(c => Measure(c.Header, Bold) + (2 * CellPadding) + 2).ToArray();
        var deficit = 0.0;
        for (var c = 0; c < columns.Count; c++)
        {
            if (widths[c] < needed[c])
            {
                deficit += needed[c] - widths[c];
                widths[c] = needed[c];
            }
        }

        // Wrapping columns give first (their text just takes more lines), then every column with room to spare.
        foreach (var donors in new[] { columns.Select((c, i) => c.Wrap ? i : -1), columns.Select((c, i) => c.Wrap ? -1 : i) })
        {
            var candidates = donors.Where(i => i >= 0 && widths[i] > needed[i]).ToList();
            var spare = candidates.Sum(i => widths[i] - needed[i]);
            if (deficit <= 0 || spare <= 0)
            {
                continue;
            }

            var share = Math.Min(1, deficit / spare);
            foreach (var i in candidates)
            {
                widths[i] -= (widths[i] - needed[i]) * share;
            }

            deficit -= Math.Min(deficit, spare);
        }

        return widths;
    }

    /// <summary>Splits text into lines no wider than <paramref name="width"/>, breaking long words if they must.</summary>
    public IReadOnlyList<string> Wrap(string text, XFont font, double width)
    {
        // Most cells fit on one line: one measure instead of one per word (a year's statement has 10,000 rows).
        // Only text the word loop would give back unchanged (one line, single spaces, no edge spaces) takes this path.
        if (text.Length == 0
            || (text.IndexOfAny(LineBreaks) < 0 && !text.Contains("  ", StringComparison.Ordinal) && text[0] != ' ' && text[^1] != ' ' && Measure(text, font) <= width))
        {
            return [text];
        }

        var lines = new List<string>();
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var current = "";
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = current.Length == 0 ? word : current + " " + word;
                if (Measure(candidate, font) <= width)
                {
                    current = candidate;
                    continue;
                }

                if (current.Length > 0)
                {
                    lines.Add(current);
                }

                current = word;
                while (current.Length > 1 && Measure(current, font) > width)
                {
                    var fit = current.Length - 1;
                    while (fit > 1 && Measure(current[..fit], font) > width)
                    {
                        fit--;
                    }

                    lines.Add(current[..fit]);
                    current = current[fit..];
                }
            }

            lines.Add(current);
        }

        return lines;
    }

    /// <summary>Finishes every page with its footer and returns the PDF file.</summary>
    public byte[] ToArray()
    {
        _gfx?.Dispose();
        _gfx = null;
        var count = _document.PageCount;
        for (var i = 0; i < count; i++)
        {
            using var gfx = XGraphics.FromPdfPage(_document.Pages[i], XGraphicsPdfPageOptions.Append);
            var y = _document.Pages[i].Height.Point - Margin - Small.GetHeight();
            gfx.DrawLine(new XPen(Line, 0.5), Left, y - 6, Right, y - 6);
            gfx.DrawString(_letterhead.FooterText, Small, SoftBrush, new XRect(Left, y, Width * 0.75, Small.GetHeight()), XStringFormats.TopLeft);
            var label = string.Format(System.Globalization.CultureInfo.CurrentCulture, _letterhead.PageLabelFormat, i + 1, count);
            gfx.DrawString(label, Small, SoftBrush, new XRect(Left, y, Width, Small.GetHeight()), XStringFormats.TopRight);
        }

        using var stream = new MemoryStream();
        _document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    public void Dispose()
    {
        _gfx?.Dispose();
        _logo?.Dispose();
        _document.Dispose();
    }

    private void DrawLetterhead(bool firstPage)
    {
        Y = Margin;
        var headerHeight = 44.0;
        if (_logo is not null)
        {
            // Fit the logo in a 180 x 44 pt box, keeping its proportions.
            var scale = Math.Min(180 / _logo.PointWidth, headerHeight / _logo.PointHeight);
            Gfx.DrawImage(_logo, Left, Y, _logo.PointWidth * scale, _logo.PointHeight * scale);
        }
        else
        {
            // No raster logo (an SVG cannot be drawn here): the operator's name as a wordmark in its colour.
            var wordmark = new XFont(PdfSetup.FontFamily, 18, XFontStyleEx.Bold);
            Gfx.DrawString(_letterhead.OperatorName, wordmark, new XSolidBrush(Brand), new XRect(Left, Y + 8, Width * 0.6, 24), XStringFormats.TopLeft);
        }

        var title = new XFont(PdfSetup.FontFamily, 20, XFontStyleEx.Bold);
        Gfx.DrawString(_letterhead.Title, title, new XSolidBrush(Brand), new XRect(Left, Y, Width, 26), XStringFormats.TopRight);
        Gfx.DrawString(_letterhead.Subtitle, Heading, InkBrush, new XRect(Left, Y + 27, Width, 16), XStringFormats.TopRight);
        Y += headerHeight + 6;

        if (firstPage)
        {
            // The address block usually starts with the legal name; without one, the trading name stands alone.
            var lines = _letterhead.AddressLines.Count > 0 ? _letterhead.AddressLines : [_letterhead.OperatorName];
            foreach (var line in lines)
            {
                Text(line, Small, Left, Width * 0.6, PdfAlign.Left, SoftBrush);
                Y += LineHeight(Small);
            }
        }

        Gap(6);
        Gfx.DrawLine(new XPen(Brand, 1.5), Left, Y, Right, Y);
        Gap(12);
    }

    private static XImage? LoadLogo(byte[]? bytes, string? contentType)
    {
        if (bytes is null || contentType is not ("image/png" or "image/jpeg"))
        {
            return null;
        }

        try
        {
            return XImage.FromStream(new MemoryStream(bytes, writable: false));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or NotSupportedException or IOException)
        {
            // A broken logo must not cost the customer their invoice: fall back to the wordmark.
            return null;
        }
    }

    private static XColor ParseColor(string hex)
    {
        if (hex.Length == 7 && hex[0] == '#'
            && int.TryParse(hex.AsSpan(1), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var rgb))
        {
            return XColor.FromArgb((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
        }

        return XColor.FromArgb(31, 78, 121);
    }
}
