using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.ActivityTrail;

/// <summary>
/// The current account's activity trail, for its user administrators: what was done on the account, and
/// the sign-in events of its users (those are recorded per user, without an account).
/// </summary>
[RequiresPermission(Permissions.ManageUsers)]
public sealed class IndexModel(PortalDb db) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public TrailQuery.Page Trail { get; private set; } = new([], null);

    public async Task<IActionResult> OnGetAsync()
    {
        var account = HttpContext.CurrentAccount();
        var members = db.Memberships.Where(m => m.AccountId == account.Id || m.AccountId == account.ParentAccountId).Select(m => m.UserId);
        var query = db.ActivityEntries.Where(a => a.AccountId == account.Id || (a.AccountId == null && members.Contains(a.UserId!)));
        Trail = await TrailQuery.ReadAsync(db, query.OfKind(Kind), After, HttpContext.RequestAborted);
        return Page();
    }
}
