using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure.Email;

namespace Portal.Features.Admin;

/// <summary>The console's front page: how big the portal is and what happened last.</summary>
public sealed class IndexModel(PortalDb db) : PageModel
{
    public const int ActivityCount = 10;

    public int Accounts { get; private set; }

    public int PortalAccounts { get; private set; }

    public int Users { get; private set; }

    public int OpenInvoices { get; private set; }

    public int PendingEmails { get; private set; }

    public IReadOnlyList<ActivityRow> Activity { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Accounts = await db.Accounts.CountAsync(ct);
        PortalAccounts = await db.Accounts.CountAsync(a => a.PortalEnabled, ct);
        Users = await db.Users.CountAsync(u => !u.IsStaff, ct);
        // The same predicate as the partial index IX_Invoices_Open, so the count never scans paid history.
        OpenInvoices = await db.Invoices.CountAsync(i => i.OpenAmount > 0m && !i.IsVoid, ct);
        PendingEmails = await db.EmailMessages.CountAsync(m => m.Status == EmailStatus.Pending, ct);
        Activity = await db.ActivityEntries
            .OrderByDescending(a => a.Id)
            .Take(ActivityCount)
            .Select(a => new ActivityRow(a.OccurredAt, a.Action, a.Subject, a.Detail, a.AccountId, db.Accounts.Where(x => x.Id == a.AccountId).Select(x => x.Number).FirstOrDefault()))
            .AsNoTracking()
            .ToListAsync(ct);
    }

    public sealed record ActivityRow(DateTime OccurredAt, string Action, string? Subject, string? Detail, long? AccountId, string? AccountNumber);
}
