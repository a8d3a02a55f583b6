using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Portal.Features.Usage;

/// <summary>
/// The usage per day of each product (one small bar chart per product and unit: quantities in
/// different units are never stacked or compared), drawn on the server as SVG, so it needs no script.
/// Each bar carries its quantity in <c>data-quantity</c>, which the tests add up against the table.
/// </summary>
public sealed class UsageChart
{
    private const int BarWidth = 14;
    private const int Gap = 4;
    private const int Height = 120;
    private const int Left = 8;
    private const int Top = 8;
    private const int AxisHeight = 18;

    private UsageChart(IReadOnlyList<DateOnly> days, IReadOnlyList<Series> series)
    {
        Days = days;
        AllSeries = series;
    }

    /// <summary>Every day shown, in order.</summary>
    public IReadOnlyList<DateOnly> Days { get; }

    public IReadOnlyList<Series> AllSeries { get; }

    public static UsageChart From(UsageSummary summary)
    {
        var filter = summary.Filter;
        var days = Enumerable.Range(0, filter.LastDay.DayNumber - filter.FirstDay.DayNumber + 1).Select(filter.FirstDay.AddDays).ToList();
        var series = summary.Selected
            .GroupBy(s => (s.Product, s.Unit))
            .OrderBy(g => g.Key.Product, StringComparer.Ordinal).ThenBy(g => g.Key.Unit, StringComparer.Ordinal)
            .Select(g =>
            {
                var perDay = g.GroupBy(s => s.Day).ToDictionary(d => d.Key, d => d.Sum(s => s.Quantity));
                return new Series(g.Key.Product, g.Key.Unit, days.Select(d => perDay.GetValueOrDefault(d)).ToList());
            })
            .ToList();
        return new UsageChart(days, series);
    }

    /// <summary>
    /// Each series' quantities as the page writes them: invariant for <c>data-quantity</c>, and in the
    /// reader's number format for people. Formatted once per day and series, then shared by the bars and
    /// the table (the largest account's period is twelve series of thirty days). One chart is drawn for one
    /// reader, so the first call's <paramref name="number"/> is the one kept.
    /// </summary>
    public IReadOnlyDictionary<Series, (string[] Invariant, string[] Shown)> Cells(Func<decimal, string> number)
    {
        if (_cells is null)
        {
            _cells = new Dictionary<Series, (string[] Invariant, string[] Shown)>(ReferenceEqualityComparer.Instance);
            foreach (var series in AllSeries)
            {
                var invariant = new string[Days.Count];
                var shown = new string[Days.Count];
                for (var i = 0; i < Days.Count; i++)
                {
                    invariant[i] = series.Quantities[i].ToString(CultureInfo.InvariantCulture);
                    shown[i] = number(series.Quantities[i]);
                }

                _cells[series] = (invariant, shown);
            }
        }

        return _cells;
    }

    private Dictionary<Series, (string[] Invariant, string[] Shown)>? _cells;

    /// <summary>The SVG of one series; <paramref name="title"/> and <paramref name="description"/> are its text alternative.</summary>
    public string Svg(Series series, string title, string description, IReadOnlyList<string> dayLabels, Func<decimal, string> number)
    {
        var width = Left + (Days.Count * (BarWidth + Gap)) + Left;
        var max = series.Quantities.Count == 0 ? 0m : series.Quantities.Max();
        var id = "chart-" + Slug(series.Product + "-" + series.Unit);
        var (invariant, shown) = Cells(number)[series];
        var sb = new StringBuilder(256 + (Days.Count * 200));
        var c = CultureInfo.InvariantCulture;
        var html = HtmlEncoder.Default;
        var unit = html.Encode(series.Unit);
        sb.Append(c, $"<svg class=\"usage-chart\" role=\"img\" viewBox=\"0 0 {width} {Top + Height + AxisHeight}\" width=\"{width}\" height=\"{Top + Height + AxisHeight}\" aria-labelledby=\"{id}-t {id}-d\" data-product=\"{html.Encode(series.Product)}\" data-unit=\"{unit}\">");
        sb.Append(c, $"<title id=\"{id}-t\">{html.Encode(title)}</title><desc id=\"{id}-d\">{html.Encode(description)}</desc>");
        sb.Append(c, $"<line x1=\"{Left}\" y1=\"{Top + Height}\" x2=\"{width - Left}\" y2=\"{Top + Height}\" class=\"usage-chart-axis\"/>");
        for (var i = 0; i < Days.Count; i++)
        {
            var quantity = series.Quantities[i];
            var h = max == 0m ? 0 : (int)Math.Round(quantity / max * Height, MidpointRounding.AwayFromZero);
            if (quantity > 0 && h == 0)
            {
                h = 1;
            }

            var x = Left + (i * (BarWidth + Gap));
            sb.Append(c, $"<rect class=\"usage-chart-bar\" x=\"{x}\" y=\"{Top + Height - h}\" width=\"{BarWidth}\" height=\"{h}\" data-day=\"{Days[i]:yyyy-MM-dd}\" data-quantity=\"{invariant[i]}\"><title>{dayLabels[i]}: {html.Encode(shown[i])} {unit}</title></rect>");
            if (i == 0 || i == Days.Count - 1 || Days[i].Day == 1 || (Days.Count > 10 && i % 7 == 0))
            {
                sb.Append(c, $"<text x=\"{x + (BarWidth / 2)}\" y=\"{Top + Height + AxisHeight - 4}\" class=\"usage-chart-label\" text-anchor=\"middle\">{Days[i].Day}</text>");
            }
        }

        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>
    /// The chart's numbers as a table for screen readers: a row per day, a column per series. Written here
    /// rather than cell by cell in Razor: it is the page's largest block (360 cells for twelve products).
    /// <paramref name="dayLabels"/> are already HTML-encoded; <paramref name="caption"/> and <paramref name="dayHeader"/> are encoded here.
    /// </summary>
    public string Table(string caption, string dayHeader, IReadOnlyList<string> dayLabels, Func<decimal, string> number)
    {
        var cells = Cells(number);
        var html = HtmlEncoder.Default;
        var sb = new StringBuilder(512 + (Days.Count * (AllSeries.Count + 1) * 48));
        sb.Append("<table id=\"usage-chart-table\"><caption>").Append(html.Encode(caption)).Append("</caption><thead><tr><th scope=\"col\">")
            .Append(html.Encode(dayHeader)).Append("</th>");
        foreach (var series in AllSeries)
        {
            var product = html.Encode(series.Product);
            var unit = html.Encode(series.Unit);
            sb.Append("<th scope=\"col\" data-product=\"").Append(product).Append("\" data-unit=\"").Append(unit).Append("\">")
                .Append(product).Append(" (").Append(unit).Append(")</th>");
        }

        sb.Append("</tr></thead><tbody>");
        for (var i = 0; i < Days.Count; i++)
        {
            sb.Append("<tr><th scope=\"row\">").Append(dayLabels[i]).Append("</th>");
            foreach (var series in AllSeries)
            {
                var (invariant, shown) = cells[series];
                sb.Append("<td data-quantity=\"").Append(invariant[i]).Append("\">").Append(html.Encode(shown[i])).Append("</td>");
            }

            sb.Append("</tr>");
        }

        sb.Append("</tbody></table>");
        return sb.ToString();
    }

    /// <summary>Each day's label in the reader's date format, HTML-encoded: one per day, for every series and the table.</summary>
    public string[] DayLabels(Func<DateOnly, string> dayLabel) =>
        [.. Days.Select(d => HtmlEncoder.Default.Encode(dayLabel(d)))];

    private static string Slug(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            sb.Append(char.IsAsciiLetterOrDigit(ch) ? char.ToLowerInvariant(ch) : '-');
        }

        return sb.ToString();
    }

    public sealed record Series(string Product, string Unit, IReadOnlyList<decimal> Quantities)
    {
        public decimal Total => Quantities.Sum();

        public decimal Peak => Quantities.Count == 0 ? 0m : Quantities.Max();
    }
}
