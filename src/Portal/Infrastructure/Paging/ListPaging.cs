using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;
using Portal.Resources;

namespace Portal.Infrastructure.Paging;

/// <summary>
/// What every keyset-paged list page does around its query: the search pattern, the page link that went
/// stale, and links that keep the filters. Each list used to carry its own copy of these lines.
/// </summary>
public static class ListPaging
{
    /// <summary>
    /// A LIKE pattern (escape character '\') matching text that contains <paramref name="search"/>, upper-cased
    /// so that comparing it with an upper-cased column is case-insensitive on both databases.
    /// </summary>
    public static string ContainsPattern(string search) =>
        "%" + search.ToUpperInvariant().Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    /// <summary>
    /// The cursor the page now stands on: the one asked for, or null (the first page) with a notice when
    /// the link was stale or forged.
    /// </summary>
    public static string? CursorShown<TRow>(KeysetPage<TRow> page, string? after, List<string> notices, IStringLocalizer<SharedResource> l)
    {
        if (!page.CursorWasInvalid)
        {
            return after;
        }

        notices.Add(l["That page link is no longer valid, so the list starts from the first page."]);
        return null;
    }

    /// <summary><paramref name="path"/> with the query values that are set (null ones are left out).</summary>
    public static string Link(string path, IEnumerable<KeyValuePair<string, string?>> query) =>
        QueryHelpers.AddQueryString(path, query.Where(p => p.Value is not null)!);
}

/// <summary>The links of a list's pager (Features/Shared/_PagerLinks.cshtml); a null link is not shown.</summary>
public sealed record PagerLinks(string? First, string? Previous, string? Next);
