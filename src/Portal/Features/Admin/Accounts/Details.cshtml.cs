using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Admin.Audit;
using Portal.Features.Admin.Staff;
using Portal.Features.Ledger;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;

namespace Portal.Features.Admin.Accounts;

/// <summary>
/// One account as staff see it: every field, its family, its figures, and who may act for it. Staff
/// change the portal switch and the members' permissions here; they never see a password or act as a user.
/// </summary>
public sealed class DetailsModel(PortalDb db, OperatorClock clock, ActivityLog activity, StaffAudit audit, TimeProvider time) : PageModel
{
    public const int MaxChildren = 200;

    /// <summary>The permissions staff can grant, in the order they are shown.</summary>
    public static readonly Permissions[] Grantable =
        [Permissions.View, Permissions.SeeMoney, Permissions.Pay, Permissions.Order, Permissions.Quote, Permissions.ServiceCalls, Permissions.ManageUsers];

    public Account Account { get; private set; } = null!;

    public IReadOnlyList<AccountLink> Children { get; private set; } = [];

    public IReadOnlyList<Member> Members { get; private set; } = [];

    public AccountFigures Figures { get; private set; } = null!;

    /// <summary>What the last POST did, shown once after its redirect.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct)
    {
        var account = await db.Accounts.AsNoTracking().Include(a => a.ParentAccount).SingleOrDefaultAsync(a => a.Number == number, ct);
        if (account is null)
        {
            return NotFound();
        }

        Account = account;
        Children = await db.Accounts.AsNoTracking()
            .Where(a => a.ParentAccountId == account.Id)
            .OrderBy(a => a.Number)
            .Take(MaxChildren)
            .Select(a => new AccountLink(a.Number, a.Name, a.BilledToParent, a.PortalEnabled))
            .ToListAsync(ct);
        Members = await db.Memberships.AsNoTracking()
            .Where(m => m.AccountId == account.Id)
            .OrderBy(m => m.User!.Email)
            .Select(m => new Member(m.Id, m.UserId, m.User!.Email ?? m.User.UserName ?? "", m.User.DisplayName, m.Permissions, m.User.LastLoginAt, m.User.LockoutEnd))
            .ToListAsync(ct);
        Figures = await AccountFigures.LoadAsync(db, account.Id, await clock.TodayAsync(ct), ct);
        return Page();
    }

    [RequiresStaffRole(StaffRole.Administrator)]
    public async Task<IActionResult> OnPostPortalAsync(string number, bool enabled, CancellationToken ct)
    {
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Number == number, ct);
        if (account is null)
        {
            return NotFound();
        }

        if (account.PortalEnabled != enabled)
        {
            account.PortalEnabled = enabled;
            account.UpdatedAt = time.GetUtcNow().UtcDateTime;
            activity.Record(enabled ? "account.portal-enabled" : "account.portal-disabled", StaffId, account.Id, $"Account {account.Number}", StaffEmail);
            audit.Record("account.portal_changed", "account", account.Number, new { PortalEnabled = !enabled }, new { PortalEnabled = enabled });
            await db.SaveChangesAsync(ct);
        }

        return Redirect(Back(number, enabled ? "enabled" : "disabled"));
    }

    [RequiresStaffRole(StaffRole.Administrator)]
    public async Task<IActionResult> OnPostPermissionsAsync(string number, long membershipId, List<Permissions> permissions, CancellationToken ct)
    {
        var membership = await FindMembershipAsync(number, membershipId, ct);
        if (membership is null)
        {
            return NotFound();
        }

        var granted = permissions.Where(p => Grantable.Contains(p)).Aggregate(Permissions.None, (all, p) => all | p);
        if (granted != Permissions.None)
        {
            // Nothing works without View: any other permission implies it.
            granted |= Permissions.View;
        }

        if (granted == Permissions.None)
        {
            // No permission at all is no membership: say so instead of leaving a member who can do nothing.
            return Redirect(Back(number, "empty"));
        }

        if (membership.Permissions != granted)
        {
            var before = membership.Permissions;
            membership.Permissions = granted;
            activity.Record("membership.permissions-changed", StaffId, membership.AccountId, $"{membership.User!.Email}: {before} -> {granted}", StaffEmail);
            audit.Record("account.permissions_changed", "membership", $"{number}/{membership.User.Email}", new { Permissions = before.ToString() }, new { Permissions = granted.ToString() });
            await db.SaveChangesAsync(ct);
        }

        return Redirect(Back(number, "permissions"));
    }

    [RequiresStaffRole(StaffRole.Administrator)]
    public async Task<IActionResult> OnPostRemoveAsync(string number, long membershipId, CancellationToken ct)
    {
        var membership = await FindMembershipAsync(number, membershipId, ct);
        if (membership is null)
        {
            return NotFound();
        }

        db.Memberships.Remove(membership);
        activity.Record("membership.removed", StaffId, membership.AccountId, membership.User!.Email, StaffEmail);
        audit.Record("account.membership_removed", "membership", $"{number}/{membership.User.Email}", new { Permissions = membership.Permissions.ToString() }, null);
        await db.SaveChangesAsync(ct);
        return Redirect(Back(number, "removed"));
    }

    /// <summary>
    /// Opens the customer pages as a member of this account with every permission would see them, read
    /// only, for <see cref="ViewAs.Lifetime"/> at most; audited with the staff member and the account.
    /// </summary>
    [RequiresStaffRole(StaffRole.Support)]
    public async Task<IActionResult> OnPostViewAsAsync(string number, CancellationToken ct)
    {
        var account = await db.Accounts.AsNoTracking().Where(a => a.Number == number)
            .Select(a => new { a.Id, a.Number, a.Name }).SingleOrDefaultAsync(ct);
        if (account is null)
        {
            return NotFound();
        }

        var grant = ViewAs.Start(HttpContext, account.Id, account.Number, account.Name, time.GetUtcNow().UtcDateTime);
        audit.Record("account.view_as_started", "account", account.Number, null, new { Until = grant.ExpiresAt });
        await db.SaveChangesAsync(ct);
        return Redirect("/");
    }

    /// <summary>Ends viewing as an account (from the banner on every customer page), audited, and comes back here.</summary>
    public async Task<IActionResult> OnPostEndViewAsAsync(string number, CancellationToken ct)
    {
        if (HttpContext.ViewAsGrant() is { } grant)
        {
            audit.Record("account.view_as_ended", "account", grant.AccountNumber, new { Until = grant.ExpiresAt }, null);
            await db.SaveChangesAsync(ct);
            number = grant.AccountNumber;
        }

        ViewAs.End(HttpContext);
        return Redirect(Back(number, "view-ended"));
    }

    private string? StaffId => User.FindFirstValue(ClaimTypes.NameIdentifier);

    private string? StaffEmail => User.Identity?.Name;

    // The membership must belong to the account in the URL: an id from another account is not found.
    private Task<Membership?> FindMembershipAsync(string number, long membershipId, CancellationToken ct) =>
        db.Memberships.Include(m => m.User)
            .Where(m => m.Id == membershipId && m.Account!.Number == number)
            .SingleOrDefaultAsync(ct);

    private static string Back(string number, string done) => $"/admin/accounts/{Uri.EscapeDataString(number)}?done={done}";

    public sealed record AccountLink(string Number, string Name, bool BilledToParent, bool PortalEnabled);

    public sealed record Member(long Id, string UserId, string Email, string? DisplayName, Permissions Permissions, DateTime? LastLoginAt, DateTimeOffset? LockoutEnd)
    {
        public bool Has(Permissions permission) => (Permissions & permission) == permission;
    }
}
