using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;

namespace Portal.Features.Statements;

/// <summary>
/// What a statement request asks for, as typed in the form or the link (page and PDF read the same
/// query string): a range (default the last 90 days to today) or one "as of" date, and whether a
/// parent includes the children billed to it. Bad values become field errors, never a guess.
/// </summary>
public sealed class StatementPeriod
{
    public const int DefaultDays = 90;
    public const int MaxYears = 10;

    public string? From { get; init; }

    public string? To { get; init; }

    public string? AsOf { get; init; }

    public bool Children { get; init; }

    public DateOnly FromDate { get; private set; }

    public DateOnly ToDate { get; private set; }

    public bool IsAsOf { get; private set; }

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public bool IsValid => Errors.Count == 0;

    public static StatementPeriod Read(IQueryCollection query, DateOnly today, IStringLocalizer l)
    {
        static string? Value(IQueryCollection q, string key) => q.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.ToString().Trim() : null;
        var period = new StatementPeriod
        {
            From = Value(query, "from"),
            To = Value(query, "to"),
            AsOf = Value(query, "asof"),
            Children = string.Equals(Value(query, "children"), "true", StringComparison.OrdinalIgnoreCase),
        };
        period.Validate(today, l);
        return period;
    }

    /// <summary>The same request as a query string, for the PDF link and the e-mailed statement.</summary>
    public string Link(string path) =>
        QueryHelpers.AddQueryString(path, new Dictionary<string, string?>
        {
            ["from"] = IsAsOf ? null : Iso(FromDate),
            ["to"] = IsAsOf ? null : Iso(ToDate),
            ["asof"] = IsAsOf ? Iso(ToDate) : null,
            ["children"] = Children ? "true" : null,
        }.Where(p => p.Value is not null)!);

    private void Validate(DateOnly today, IStringLocalizer l)
    {
        if (AsOf is not null)
        {
            IsAsOf = true;
            if (Parse(AsOf, "asof", l) is DateOnly asOf)
            {
                if (asOf > today)
                {
                    Errors["asof"] = l["A statement cannot be dated after today ({0}).", Iso(today)];
                }

                FromDate = ToDate = asOf;
            }

            return;
        }

        var to = To is null ? today : Parse(To, "to", l);
        var from = From is null ? to?.AddDays(-DefaultDays) : Parse(From, "from", l);
        if (to is not DateOnly end || from is not DateOnly start)
        {
            return;
        }

        if (end > today)
        {
            Errors["to"] = l["A statement cannot be dated after today ({0}).", Iso(today)];
        }
        else if (start > end)
        {
            Errors["from"] = l["The start date is after the end date."];
        }
        else if (start < end.AddYears(-MaxYears))
        {
            Errors["from"] = l["A statement covers at most {0} years; choose a later start date.", MaxYears];
        }

        (FromDate, ToDate) = (start, end);
    }

    private DateOnly? Parse(string value, string field, IStringLocalizer l)
    {
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year >= 1900)
        {
            return d;
        }

        Errors[field] = l["Enter a date as year-month-day, for example {0}.", "2026-01-31"];
        return null;
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
