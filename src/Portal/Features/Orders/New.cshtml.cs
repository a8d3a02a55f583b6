using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Catalog;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Orders;

/// <summary>
/// The order pad: the catalogue at this account's prices (search, categories, keyset pages by name) and
/// the cart, which lives in the database (<see cref="OrderPadService"/>), so a reload or another
/// browser shows the same pad. Only product codes and quantities are ever read from the forms.
/// </summary>
[RequiresFeature(PortalFeature.Orders)]
[RequiresPermission(Permissions.Order)]
public sealed class NewModel(PortalDb db, OrderPadService pads, OperatorClock clock, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int PageSize = 25;
    public const int MaxSearchLength = 50;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Category { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public CurrentAccount Account => HttpContext.CurrentAccount();

    public IReadOnlyList<PricedProduct> Products { get; private set; } = [];

    public IReadOnlyList<string> Categories { get; private set; } = [];

    public PadView? Pad { get; private set; }

    public string? NextCursor { get; private set; }

    public string? PreviousCursor { get; private set; }

    public string? Error { get; private set; }

    /// <summary>The product code the error is about, so the form next to it says so.</summary>
    public string? ErrorCode { get; private set; }

    [TempData]
    public string? PadMessage { get; set; }

    /// <summary>The product just added or changed, marked in the cart so the customer sees where it went.</summary>
    [TempData]
    public string? PadChanged { get; set; }

    private string UserId => User.FindFirstValue(ClaimTypes.NameIdentifier)!;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAddAsync(string? code, string? quantity, CancellationToken ct) =>
        await AfterAsync(await pads.AddAsync(Account, UserId, code, quantity, ct), code, l["Added to your order."], ct);

    public async Task<IActionResult> OnPostUpdateAsync(string? code, string? quantity, CancellationToken ct) =>
        await AfterAsync(await pads.SetQuantityAsync(Account, UserId, code, quantity, ct), code, l["Quantity changed."], ct);

    public async Task<IActionResult> OnPostRemoveAsync(string? code, CancellationToken ct)
    {
        await pads.RemoveAsync(Account.Id, UserId, code, ct);
        PadMessage = l["Removed from your order."];
        return Redirect(Link(After) + "#cart");
    }

    private async Task<IActionResult> AfterAsync(string? error, string? code, string done, CancellationToken ct)
    {
        if (error is null)
        {
            // Back to the cart, not the top of the catalogue: on a phone the line just added would be out of sight.
            PadMessage = done;
            PadChanged = code?.Trim();
            return Redirect(Link(After) + "#cart");
        }

        Error = error;
        ErrorCode = code;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var account = Account;
        Q = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim();
        if (Q is { Length: > MaxSearchLength })
        {
            Q = Q[..MaxSearchLength];
        }

        Category = string.IsNullOrWhiteSpace(Category) ? null : Category.Trim();
        var today = await clock.TodayAsync(ct);
        var products = db.Products.AsNoTracking().Where(p => p.Active);
        if (Category is not null)
        {
            products = products.Where(p => p.Category == Category);
        }

        if (Q is not null)
        {
            var pattern = ListPaging.ContainsPattern(Q);
#pragma warning disable CA1304 // Translated to SQL UPPER(): case-insensitive on both databases, no .NET culture involved.
            products = products.Where(p => EF.Functions.Like(p.Code.ToUpper(), pattern, "\\") || EF.Functions.Like(p.Name.ToUpper(), pattern, "\\"));
#pragma warning restore CA1304
        }

        // The page of products first (name order, keyset), then the prices of those 25 only.
        var page = await Keyset.ReadAsync(products, "name", p => p.Name, p => p.Id, false, After, p => new { p.Id, p.Name }, r => (r.Name, r.Id), PageSize, ct);
        if (page.CursorWasInvalid)
        {
            After = null;
        }

        var ids = page.Rows.Select(r => r.Id).ToList();
        var priced = await AccountPrices.Query(db, db.Products.AsNoTracking().Where(p => ids.Contains(p.Id)), account.Id, account.Currency, today).ToListAsync(ct);
        Products = priced.OrderBy(p => ids.IndexOf(p.Id)).ToList();
        NextCursor = page.Next;
        PreviousCursor = page.Previous;
        Categories = await CategoriesAsync(db, ct);
        Pad = await pads.ViewAsync(account, UserId, ct);
    }

    public const int MaxCategories = 200;

    /// <summary>
    /// The active catalogue's categories, by a loose index scan over (Active, Category, Name): one index
    /// seek per category, so 5,000 products in 40 categories cost 40 seeks on every pad request instead
    /// of a walk over every product and a sort for DISTINCT. Both databases run this recursive CTE as written.
    /// </summary>
    private static async Task<IReadOnlyList<string>> CategoriesAsync(PortalDb db, CancellationToken ct) =>
        await db.Database.SqlQuery<string>($"""
            WITH RECURSIVE c(category, n) AS (
                SELECT (SELECT MIN("Category") FROM "Products" WHERE "Active" = TRUE), 1
                UNION ALL
                SELECT (SELECT MIN("Category") FROM "Products" WHERE "Active" = TRUE AND "Category" > c.category), c.n + 1
                FROM c WHERE c.category IS NOT NULL AND c.n < {MaxCategories}
            )
            SELECT category AS "Value" FROM c WHERE category IS NOT NULL
            """).ToListAsync(ct);

    public string Link(string? after = null, string? handler = null)
    {
        var query = new Dictionary<string, string?>(StringComparer.Ordinal) { ["handler"] = handler, ["q"] = Q, ["category"] = Category, ["after"] = after };
        return ListPaging.Link("/orders/new", query);
    }
}
