using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.ActivityTrail;

namespace Portal.Features.Admin.ActivityTrail;

/// <summary>The whole activity trail for staff, filtered by account number, e-mail and kind.</summary>
public sealed class IndexModel(PortalDb db) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Account { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Email { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public TrailQuery.Page Trail { get; private set; } = new([], null);

    public async Task OnGetAsync()
    {
        var ct = HttpContext.RequestAborted;
        var query = db.ActivityEntries.AsQueryable();
        if (!string.IsNullOrWhiteSpace(Account))
        {
            var number = Account.Trim().TrimStart('#');
            var accountId = await db.Accounts.Where(a => a.Number == number).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct) ?? -1;
            query = query.Where(a => a.AccountId == accountId);
        }

        if (!string.IsNullOrWhiteSpace(Email))
        {
            var email = Email.Trim();
            var normalized = email.ToUpperInvariant();
            var userId = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).FirstOrDefaultAsync(ct);
            query = userId is null ? query.Where(a => a.Subject == email) : query.Where(a => a.UserId == userId || a.Subject == email);
        }

        Trail = await TrailQuery.ReadAsync(db, query.OfKind(Kind), After, ct);
    }
}
