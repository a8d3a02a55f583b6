using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace Portal.Features.Usage;

/// <summary>
/// The usage per day of each product (one small bar chart per product and unit: quantities in
/// different units are never stacked or compared), drawn on the server as SVG, so it needs no script.
/// Each bar carries its quantity in <c>data-quantity</c>, which the tests add up against the table.
/// The charts and their table are the largest part of the page (twelve products of thirty days for the
/// largest account: 360 bars and 360 cells), so they are written straight to the response as
/// <see cref="IHtmlContent"/>, from numbers formatted once and coordinates made once for the process,
/// rather than built into strings and copied again.
/// </summary>
public sealed class UsageChart
{
    private const int BarWidth = 14;
    private const int Gap = 4;
    private const int Height = 120;
    private const int Left = 8;
    private const int Top = 8;
    private const int AxisHeight = 18;

    // A billing period has at most 31 days (a filter narrows it, never widens it): the bars' places are made
    // once for that many; a longer range would get its further places made as it is drawn.
    private const int MostDays = 31;

    private static readonly string[] BarX = [.. Enumerable.Range(0, MostDays).Select(i => (Left + (i * (BarWidth + Gap))).ToString(CultureInfo.InvariantCulture))];
    private static readonly string[] LabelX = [.. Enumerable.Range(0, MostDays).Select(i => (Left + (i * (BarWidth + Gap)) + (BarWidth / 2)).ToString(CultureInfo.InvariantCulture))];
    private static readonly string[] BarY = [.. Enumerable.Range(0, Height + 1).Select(h => (Top + Height - h).ToString(CultureInfo.InvariantCulture))];
    private static readonly string[] BarHeight = [.. Enumerable.Range(0, Height + 1).Select(h => h.ToString(CultureInfo.InvariantCulture))];
    private static readonly string BarWidthText = BarWidth.ToString(CultureInfo.InvariantCulture);
    private static readonly string LabelY = (Top + Height + AxisHeight - 4).ToString(CultureInfo.InvariantCulture);
    private static readonly string[] DayOfMonth = [.. Enumerable.Range(0, 32).Select(d => d.ToString(CultureInfo.InvariantCulture))];

    private UsageChart(DateOnly[] days, List<Series> series)
    {
        Days = days;
        AllSeries = series;
        _dayIso = [.. days.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))];
    }

    private readonly string[] _dayIso;

    /// <summary>Every day shown, in order.</summary>
    public IReadOnlyList<DateOnly> Days { get; }

    public IReadOnlyList<Series> AllSeries { get; }

    public static UsageChart From(UsageSummary summary)
    {
        var filter = summary.Filter;
        var first = filter.FirstDay.DayNumber;
        var count = filter.LastDay.DayNumber - first + 1;
        var days = new DateOnly[count];
        for (var i = 0; i < count; i++)
        {
            days[i] = DateOnly.FromDayNumber(first + i);
        }

        // One pass over the selected slices, each added to its series' day (the slices are already cut to the filter's days).
        var quantities = new Dictionary<(string Product, string Unit), decimal[]>();
        foreach (var slice in summary.Selected)
        {
            var day = slice.Day.DayNumber - first;
            if ((uint)day >= (uint)count)
            {
                continue;
            }

            if (!quantities.TryGetValue((slice.Product, slice.Unit), out var perDay))
            {
                perDay = new decimal[count];
                quantities[(slice.Product, slice.Unit)] = perDay;
            }

            perDay[day] += slice.Quantity;
        }

        var series = quantities
            .OrderBy(q => q.Key.Product, StringComparer.Ordinal).ThenBy(q => q.Key.Unit, StringComparer.Ordinal)
            .Select(q => new Series(q.Key.Product, q.Key.Unit, q.Value))
            .ToList();
        return new UsageChart(days, series);
    }

    /// <summary>
    /// Formats each series' quantities once, as the page writes them: invariant for <c>data-quantity</c>,
    /// and in the reader's number format for people; shared by the bars and the table. One chart is drawn
    /// for one reader, so the first call's <paramref name="number"/> is the one kept.
    /// </summary>
    private void Format(Func<decimal, string> number)
    {
        foreach (var series in AllSeries)
        {
            if (series.Invariant is not null)
            {
                continue;
            }

            var invariant = new string[series.Count];
            var shown = new string[series.Count];
            for (var i = 0; i < series.Count; i++)
            {
                invariant[i] = series.Quantities[i].ToString(CultureInfo.InvariantCulture);
                shown[i] = number(series.Quantities[i]);
            }

            (series.Invariant, series.Shown) = (invariant, shown);
        }
    }

    /// <summary>The SVG of one series; <paramref name="title"/> and <paramref name="description"/> are its text alternative.</summary>
    public IHtmlContent Svg(Series series, string title, string description, IReadOnlyList<string> dayLabels, Func<decimal, string> number)
    {
        Format(number);
        return new Content((writer, html) => WriteSvg(writer, html, series, title, description, dayLabels));
    }

    private void WriteSvg(TextWriter w, HtmlEncoder html, Series series, string title, string description, IReadOnlyList<string> dayLabels)
    {
        var width = (Left + (Days.Count * (BarWidth + Gap)) + Left).ToString(CultureInfo.InvariantCulture);
        var height = (Top + Height + AxisHeight).ToString(CultureInfo.InvariantCulture);
        var max = series.Peak;
        var id = "chart-" + Slug(series.Product + "-" + series.Unit);
        var unit = html.Encode(series.Unit);
        w.Write("<svg class=\"usage-chart\" role=\"img\" viewBox=\"0 0 ");
        w.Write(width);
        w.Write(' ');
        w.Write(height);
        w.Write("\" width=\"");
        w.Write(width);
        w.Write("\" height=\"");
        w.Write(height);
        w.Write("\" aria-labelledby=\"");
        w.Write(id);
        w.Write("-t ");
        w.Write(id);
        w.Write("-d\" data-product=\"");
        w.Write(html.Encode(series.Product));
        w.Write("\" data-unit=\"");
        w.Write(unit);
        w.Write("\"><title id=\"");
        w.Write(id);
        w.Write("-t\">");
        w.Write(html.Encode(title));
        w.Write("</title><desc id=\"");
        w.Write(id);
        w.Write("-d\">");
        w.Write(html.Encode(description));
        w.Write("</desc><line x1=\"");
        w.Write(BarX[0]);
        w.Write("\" y1=\"");
        w.Write(BarY[0]);
        w.Write("\" x2=\"");
        w.Write((Left + (Days.Count * (BarWidth + Gap))).ToString(CultureInfo.InvariantCulture));
        w.Write("\" y2=\"");
        w.Write(BarY[0]);
        w.Write("\" class=\"usage-chart-axis\"/>");
        for (var i = 0; i < Days.Count; i++)
        {
            var quantity = series.Quantities[i];
            var h = max == 0m ? 0 : (int)Math.Round(quantity / max * Height, MidpointRounding.AwayFromZero);
            h = Math.Clamp(quantity > 0 && h == 0 ? 1 : h, 0, Height);
            w.Write("<rect class=\"usage-chart-bar\" x=\"");
            w.Write(i < MostDays ? BarX[i] : (Left + (i * (BarWidth + Gap))).ToString(CultureInfo.InvariantCulture));
            w.Write("\" y=\"");
            w.Write(BarY[h]);
            w.Write("\" width=\"");
            w.Write(BarWidthText);
            w.Write("\" height=\"");
            w.Write(BarHeight[h]);
            w.Write("\" data-day=\"");
            w.Write(_dayIso[i]);
            w.Write("\" data-quantity=\"");
            w.Write(series.Invariant![i]);
            w.Write("\"><title>");
            w.Write(dayLabels[i]);
            w.Write(": ");
            w.Write(html.Encode(series.Shown![i]));
            w.Write(' ');
            w.Write(unit);
            w.Write("</title></rect>");
            if (i == 0 || i == Days.Count - 1 || Days[i].Day == 1 || (Days.Count > 10 && i % 7 == 0))
            {
                w.Write("<text x=\"");
                w.Write(i < MostDays ? LabelX[i] : (Left + (i * (BarWidth + Gap)) + (BarWidth / 2)).ToString(CultureInfo.InvariantCulture));
                w.Write("\" y=\"");
                w.Write(LabelY);
                w.Write("\" class=\"usage-chart-label\" text-anchor=\"middle\">");
                w.Write(DayOfMonth[Days[i].Day]);
                w.Write("</text>");
            }
        }

        w.Write("</svg>");
    }

    /// <summary>
    /// The chart's numbers as a table for screen readers: a row per day, a column per series.
    /// <paramref name="dayLabels"/> are already HTML-encoded; <paramref name="caption"/> and <paramref name="dayHeader"/> are encoded here.
    /// </summary>
    public IHtmlContent Table(string caption, string dayHeader, IReadOnlyList<string> dayLabels, Func<decimal, string> number)
    {
        Format(number);
        return new Content((w, html) =>
        {
            w.Write("<table id=\"usage-chart-table\"><caption>");
            w.Write(html.Encode(caption));
            w.Write("</caption><thead><tr><th scope=\"col\">");
            w.Write(html.Encode(dayHeader));
            w.Write("</th>");
            foreach (var series in AllSeries)
            {
                var product = html.Encode(series.Product);
                var unit = html.Encode(series.Unit);
                w.Write("<th scope=\"col\" data-product=\"");
                w.Write(product);
                w.Write("\" data-unit=\"");
                w.Write(unit);
                w.Write("\">");
                w.Write(product);
                w.Write(" (");
                w.Write(unit);
                w.Write(")</th>");
            }

            w.Write("</tr></thead><tbody>");
            for (var i = 0; i < Days.Count; i++)
            {
                w.Write("<tr><th scope=\"row\">");
                w.Write(dayLabels[i]);
                w.Write("</th>");
                foreach (var series in AllSeries)
                {
                    w.Write("<td data-quantity=\"");
                    w.Write(series.Invariant![i]);
                    w.Write("\">");
                    w.Write(html.Encode(series.Shown![i]));
                    w.Write("</td>");
                }

                w.Write("</tr>");
            }

            w.Write("</tbody></table>");
        });
    }

    /// <summary>Each day's label in the reader's date format, HTML-encoded: one per day, for every series and the table.</summary>
    public string[] DayLabels(Func<DateOnly, string> dayLabel) =>
        [.. Days.Select(d => HtmlEncoder.Default.Encode(dayLabel(d)))];

    private static string Slug(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = char.IsAsciiLetterOrDigit(source[i]) ? char.ToLowerInvariant(source[i]) : '-';
        }
    });

    /// <summary>HTML written to the page's writer when the page is written out, not built as a string first.</summary>
    private sealed class Content(Action<TextWriter, HtmlEncoder> write) : IHtmlContent
    {
        public void WriteTo(TextWriter writer, HtmlEncoder encoder) => write(writer, encoder);
    }

    /// <summary>One product's quantities per day, in one unit.</summary>
    public sealed class Series
    {
        public Series(string product, string unit, decimal[] quantities)
        {
            Product = product;
            Unit = unit;
            Quantities = quantities;
            Total = quantities.Sum();
            Peak = quantities.Length == 0 ? 0m : quantities.Max();
        }

        public string Product { get; }

        public string Unit { get; }

        public IReadOnlyList<decimal> Quantities { get; }

        public decimal Total { get; }

        public decimal Peak { get; }

        internal int Count => Quantities.Count;

        // The quantities as the page writes them, made once (see Format).
        internal string[]? Invariant { get; set; }

        internal string[]? Shown { get; set; }
    }
}
