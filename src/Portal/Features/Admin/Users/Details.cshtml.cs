using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Admin.Staff;
using Portal.Features.Sessions;
using Portal.Resources;

namespace Portal.Features.Admin.Users;

/// <summary>
/// One login as staff see it: accounts and permissions, sessions, lock and two-factor state, recent
/// activity; sign out everywhere, unlock, reset two-factor, disable and enable. Never a password.
/// </summary>
public sealed class DetailsModel(PortalDb db, UserAdministration administration, TimeProvider time, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int MaxMemberships = 100;

    public const int MaxSessions = 50;

    public const int ActivityRows = 20;

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public Summary Login { get; private set; } = null!;

    public IReadOnlyList<MembershipRow> Memberships { get; private set; } = [];

    public IReadOnlyList<SessionRow> Sessions { get; private set; } = [];

    public IReadOnlyList<ActivityRow> Activity { get; private set; } = [];

    public string? Error { get; private set; }

    public DateTime Now { get; private set; }

    public bool IsLocked => Login.LockoutEnd is { } end && end.UtcDateTime > Now;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    [RequiresStaffRole(StaffRole.Administrator)]
    public async Task<IActionResult> OnPostSignOutAsync(string id, CancellationToken ct) =>
        await AfterAsync(id, await administration.SignOutEverywhereAsync(id, Actor, ct), "signed-out", ct);

    // Unlocking is a support task: the person is locked out and on the phone.
    public async Task<IActionResult> OnPostUnlockAsync(string id, CancellationToken ct) =>
        await AfterAsync(id, await administration.UnlockAsync(id, Actor, ct), "unlocked", ct);

    [RequiresStaffRole(StaffRole.Administrator)]
    public async Task<IActionResult> OnPostResetTwoFactorAsync(string id, CancellationToken ct) =>
        await AfterAsync(id, await administration.ResetTwoFactorAsync(id, Actor, ct), "two-factor-reset", ct);

    [RequiresStaffRole(StaffRole.Administrator)]
    public async Task<IActionResult> OnPostDisableAsync(string id, CancellationToken ct) =>
        await AfterAsync(id, await administration.DisableAsync(id, Actor, ct), "disabled", ct);

    [RequiresStaffRole(StaffRole.Administrator)]
    public async Task<IActionResult> OnPostEnableAsync(string id, CancellationToken ct) =>
        await AfterAsync(id, await administration.EnableAsync(id, Actor, ct), "enabled", ct);

    private string? Actor => User.FindFirstValue(ClaimTypes.NameIdentifier);

    private async Task<IActionResult> AfterAsync(string id, UserActionResult result, string done, CancellationToken ct)
    {
        var message = result switch
        {
            UserActionResult.Done or UserActionResult.Unchanged => null,
            UserActionResult.Yourself => l["You cannot disable your own login. Ask another administrator."].Value,
            UserActionResult.LastAdministrator => l["The console needs at least one enabled administrator: make someone else an administrator first."].Value,
            _ => "",
        };
        if (message is null)
        {
            return Redirect($"/admin/users/{Uri.EscapeDataString(id)}?done={done}");
        }

        if (message.Length == 0 || !await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Error = message;
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private async Task<bool> LoadAsync(string id, CancellationToken ct)
    {
        Now = time.GetUtcNow().UtcDateTime;
        var login = await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new Summary(u.Id, u.Email ?? u.UserName ?? "", u.DisplayName, u.IsStaff, u.StaffRole, u.CreatedAt, u.LastLoginAt, u.LockoutEnd, u.AccessFailedCount, u.TwoFactorEnabled, u.MustSetUpTwoFactor, u.DisabledAt))
            .FirstOrDefaultAsync(ct);
        if (login is null)
        {
            return false;
        }

        Login = login;
        Memberships = await db.Memberships.AsNoTracking().Where(m => m.UserId == id)
            .OrderBy(m => m.Account!.Number)
            .Take(MaxMemberships)
            .Select(m => new MembershipRow(m.Account!.Number, m.Account.Name, m.Permissions))
            .ToListAsync(ct);
        var idleSince = Now - SessionTicketStore.IdleTimeout;
        var oldest = Now - SessionTicketStore.AbsoluteTimeout;
        Sessions = await db.UserSessions.AsNoTracking()
            .Where(s => s.UserId == id && s.RevokedAt == null && s.LastSeenAt > idleSince && s.CreatedAt > oldest)
            .OrderByDescending(s => s.LastSeenAt)
            .Take(MaxSessions)
            .Select(s => new SessionRow(s.CreatedAt, s.LastSeenAt, s.Device, s.IpAddress))
            .ToListAsync(ct);
        Activity = await db.ActivityEntries.AsNoTracking().Where(a => a.UserId == id)
            .OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id)
            .Take(ActivityRows)
            .Select(a => new ActivityRow(a.OccurredAt, a.Action, a.Detail, a.IpAddress))
            .ToListAsync(ct);
        return true;
    }

    public sealed record Summary(
        string Id, string Email, string? DisplayName, bool IsStaff, StaffRole? Role, DateTime CreatedAt, DateTime? LastLoginAt,
        DateTimeOffset? LockoutEnd, int FailedAttempts, bool TwoFactor, bool MustSetUpTwoFactor, DateTime? DisabledAt);

    public sealed record MembershipRow(string AccountNumber, string AccountName, Permissions Permissions);

    public sealed record SessionRow(DateTime CreatedAt, DateTime LastSeenAt, string? Device, string? IpAddress);

    public sealed record ActivityRow(DateTime OccurredAt, string Action, string? Detail, string? IpAddress);
}
