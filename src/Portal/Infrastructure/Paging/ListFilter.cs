using System.Globalization;
using Microsoft.Extensions.Localization;
using Portal.Resources;

namespace Portal.Infrastructure.Paging;

/// <summary>
/// The date range and search text of a list page's filter, as the URL gives them: a value that is not
/// a date is dropped with a notice, a reversed range is swapped, an overlong search is shortened. The
/// list never fails on its own URL.
/// </summary>
public static class ListFilter
{
    /// <summary>A yyyy-MM-dd date in years 1900-9999, or null.</summary>
    public static DateOnly? ParseDate(string? value) =>
        DateOnly.TryParseExact(value?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
        && d.Year is >= 1900 and <= 9999 ? d : null;

    /// <summary>Normalises a from/to pair and a search text in place, adding a notice for each change.</summary>
    public static void Normalize(ref string? from, ref string? to, ref string? q, int maxSearchLength, List<string> notices, IStringLocalizer<SharedResource> l)
    {
        from = CheckDate(from, notices, l["The 'from' date was not a date and is ignored."]);
        to = CheckDate(to, notices, l["The 'to' date was not a date and is ignored."]);
        if (ParseDate(from) is DateOnly f && ParseDate(to) is DateOnly t && f > t)
        {
            (from, to) = (to, from);
            notices.Add(l["The 'from' date was after the 'to' date; the two were swapped."]);
        }

        q = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        if (q is not null && q.Length > maxSearchLength)
        {
            q = q[..maxSearchLength];
            notices.Add(l["The search text was shortened to {0} characters.", maxSearchLength]);
        }
    }

    private static string? CheckDate(string? value, List<string> notices, string notice)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (ParseDate(value) is null)
        {
            notices.Add(notice);
            return null;
        }

        return value.Trim();
    }
}
