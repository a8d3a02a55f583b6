using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;

namespace Portal.Features.Admin.Invitations;

/// <summary>Who can use one account, with what permissions: for staff deciding whom to invite.</summary>
public sealed class UsersModel(PortalDb db) : PageModel
{
    public const int Limit = 200;

    [BindProperty(SupportsGet = true)]
    public string? Account { get; set; }

    public string? AccountName { get; private set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var ct = HttpContext.RequestAborted;
        var number = (Account ?? "").Trim().TrimStart('#');
        if (number.Length == 0)
        {
            return Page();
        }

        var account = await db.Accounts.AsNoTracking().Where(a => a.Number == number).Select(a => new { a.Id, a.Name }).FirstOrDefaultAsync(ct);
        if (account is null)
        {
            return NotFound();
        }

        AccountName = account.Name;
        Rows = await db.Memberships.AsNoTracking()
            .Where(m => m.AccountId == account.Id)
            .OrderBy(m => m.User!.Email)
            .Take(Limit)
            .Select(m => new Row(m.User!.Email, m.User.DisplayName, m.User.PhoneNumber, m.Permissions, m.CreatedAt, m.User.LastLoginAt))
            .ToListAsync(ct);
        return Page();
    }

    public sealed record Row(string? Email, string? Name, string? Phone, Permissions Permissions, DateTime Since, DateTime? LastLoginAt);
}
