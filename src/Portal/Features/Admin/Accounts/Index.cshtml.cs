using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;

namespace Portal.Features.Admin.Accounts;

/// <summary>Every customer account, searchable, keyset-paged by account number (never the whole table).</summary>
public sealed class IndexModel(PortalDb db) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    /// <summary>Show the accounts whose number comes after this one (next page).</summary>
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    /// <summary>Show the accounts whose number comes before this one (previous page).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Before { get; set; }

    public IReadOnlyList<AccountRow> Accounts { get; private set; } = [];

    public bool HasNext { get; private set; }

    public bool HasPrevious { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = db.Accounts.AsNoTracking();
        var q = Q?.Trim();
        if (!string.IsNullOrEmpty(q))
        {
            // Lower-cased on both sides so that the search is case-insensitive on PostgreSQL as on SQLite.
            var pattern = "%" + q.ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            // CA1304 does not apply: ToLower() here is SQL lower(), run by the database, not .NET.
#pragma warning disable CA1304
            query = query.Where(a =>
                EF.Functions.Like(a.Number.ToLower(), pattern, "\\")
                || EF.Functions.Like(a.Name.ToLower(), pattern, "\\")
                || (a.Email != null && EF.Functions.Like(a.Email.ToLower(), pattern, "\\")));
#pragma warning restore CA1304
        }

        var backwards = string.IsNullOrEmpty(After) && !string.IsNullOrEmpty(Before);
        if (backwards)
        {
            var before = Before!;
            query = query.Where(a => string.Compare(a.Number, before) < 0).OrderByDescending(a => a.Number);
        }
        else
        {
            var after = After;
            query = (string.IsNullOrEmpty(after) ? query : query.Where(a => string.Compare(a.Number, after) > 0)).OrderBy(a => a.Number);
        }

        var rows = await query
            .Take(PageSize + 1)
            .Select(a => new AccountRow(
                a.Number,
                a.Name,
                a.Email,
                a.Type,
                a.ParentAccount!.Number,
                a.BilledToParent,
                a.PortalEnabled,
                db.Memberships.Count(m => m.AccountId == a.Id)))
            .ToListAsync(ct);

        var more = rows.Count > PageSize;
        var page = rows.Take(PageSize).ToList();
        if (backwards)
        {
            page.Reverse();
            HasPrevious = more;
            HasNext = true;
        }
        else
        {
            HasNext = more;
            HasPrevious = !string.IsNullOrEmpty(After);
        }

        Accounts = page;
    }

    public string PageUrl(string key, string value)
    {
        var query = new Dictionary<string, string?> { ["q"] = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim(), [key] = value };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/admin/accounts", query.Where(p => p.Value is not null));
    }

    public sealed record AccountRow(string Number, string Name, string? Email, AccountType Type, string? ParentNumber, bool BilledToParent, bool PortalEnabled, int Users);
}
