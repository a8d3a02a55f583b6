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

    /// <summary>The SVG of one series; <paramref name="title"/> and <paramref name="description"/> are its text alternative.</summary>
    public string Svg(Series series, string title, string description, Func<DateOnly, string> dayLabel)
    {
        var width = Left + (Days.Count * (BarWidth + Gap)) + Left;
        var max = series.Quantities.Count == 0 ? 0m : series.Quantities.Max();
        var id = "chart-" + Slug(series.Product + "-" + series.Unit);
        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        var html = HtmlEncoder.Default;
        sb.Append(c, $"<svg class=\"usage-chart\" role=\"img\" viewBox=\"0 0 {width} {Top + Height + AxisHeight}\" width=\"{width}\" height=\"{Top + Height + AxisHeight}\" aria-labelledby=\"{id}-t {id}-d\" data-product=\"{html.Encode(series.Product)}\" data-unit=\"{html.Encode(series.Unit)}\">");
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
            sb.Append(c, $"<rect class=\"usage-chart-bar\" x=\"{x}\" y=\"{Top + Height - h}\" width=\"{BarWidth}\" height=\"{h}\" data-day=\"{Days[i]:yyyy-MM-dd}\" data-quantity=\"{quantity.ToString(c)}\"><title>{html.Encode(dayLabel(Days[i]))}: {html.Encode(quantity.ToString("#,0.####", CultureInfo.CurrentCulture))} {html.Encode(series.Unit)}</title></rect>");
            if (i == 0 || i == Days.Count - 1 || Days[i].Day == 1 || (Days.Count > 10 && i % 7 == 0))
            {
                sb.Append(c, $"<text x=\"{x + (BarWidth / 2)}\" y=\"{Top + Height + AxisHeight - 4}\" class=\"usage-chart-label\" text-anchor=\"middle\">{Days[i].Day}</text>");
            }
        }

        sb.Append("</svg>");
        return sb.ToString();
    }

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
