using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Portal.Resources;

namespace Portal.Infrastructure.Paging;

/// <summary>
/// A page whose list is keyset-paged (<see cref="Keyset"/>): the cursor it was asked for (<c>?after=</c>),
/// the rows it shows, the notices above them and the cursors of the pages next to it, which the views and
/// the pager partial read by these names. Every such list page used to declare the same six members and
/// copy the same four lines after its query; what each list reads and how it filters stays in the page.
/// </summary>
public abstract class KeysetListPage<TRow> : PageModel
{
    /// <summary>The cursor of the page asked for; null is the first page.</summary>
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    /// <summary>The rows shown; protected so that a page may replace them with the rows it completed after reading.</summary>
    public IReadOnlyList<TRow> Rows { get; protected set; } = [];

    public List<string> Notices { get; } = [];

    public string? NextCursor { get; private set; }

    public string? PreviousCursor { get; private set; }

    public bool IsFirstPage => After is null;

    /// <summary>
    /// Shows <paramref name="page"/>: its rows and the cursors next to it; when the link it was asked with
    /// was stale or forged, the first page (which <see cref="Keyset"/> read instead) with a notice.
    /// </summary>
    protected void ShowPage(KeysetPage<TRow> page, IStringLocalizer<SharedResource> l)
    {
        After = ListPaging.CursorShown(page, After, Notices, l);
        Rows = page.Rows;
        NextCursor = page.Next;
        PreviousCursor = page.Previous;
    }
}
