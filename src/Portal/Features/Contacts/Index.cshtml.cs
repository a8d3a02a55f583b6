using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Contacts;

/// <summary>The account's authorised contacts on file. Read only: changes go through the account manager.</summary>
public sealed class IndexModel(PortalDb db) : PageModel
{
    // An account has a handful of contacts; the cap only guards the page against a runaway import.
    public const int Limit = 200;

    public IReadOnlyList<ContactRow> Contacts { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var accountId = HttpContext.CurrentAccount().Id;
        Contacts = await db.Contacts.AsNoTracking()
            .Where(c => c.AccountId == accountId && c.IsActive)
            .OrderByDescending(c => c.IsPrimary).ThenBy(c => c.Name).ThenBy(c => c.Id)
            .Select(c => new ContactRow(c.Name, c.Title, c.Role, c.Email, c.Phone, c.IsPrimary))
            .Take(Limit)
            .ToListAsync(ct);
    }

    public sealed record ContactRow(string Name, string? Title, string? Role, string? Email, string? Phone, bool IsPrimary);
}
