using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Admin.Audit;
using Portal.Features.Admin.Staff;
using Portal.Features.Identity;
using Portal.Features.Sessions;
using Portal.Infrastructure.Activity;

namespace Portal.Features.Admin.Users;

/// <summary>What a staff action on a login came to.</summary>
public enum UserActionResult
{
    Done,

    /// <summary>Nothing to do (already disabled, not locked, no two-factor): nothing changed.</summary>
    Unchanged,

    NotFound,

    /// <summary>A staff member tried to disable themself.</summary>
    Yourself,

    /// <summary>The change would leave the console without an enabled administrator.</summary>
    LastAdministrator,
}

/// <summary>
/// Staff actions on a login (a customer's user or a staff member): end its sessions, unlock it, reset
/// its two-factor, disable and enable it. Each is one unit of work with its audit entry (before and
/// after) and activity entry; sessions end in the session store, so every instance refuses the old
/// cookie on its next request. Staff never see or set a password here.
/// </summary>
public sealed class UserAdministration(
    PortalDb db,
    UserManager<PortalUser> users,
    StaffAudit audit,
    ActivityLog activity,
    TimeProvider time)
{
    public async Task<UserActionResult> SignOutEverywhereAsync(string userId, string? byUserId, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return UserActionResult.NotFound;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var ended = await db.RevokeSessionsAsync(s => s.UserId == user.Id, now, ct);
        // The stamp too: a principal checked by the stamp validator (not only the session store) ends as well.
        await users.UpdateSecurityStampAsync(user);
        audit.Record("user.signed_out_everywhere", "user", user.Email, new { Sessions = ended }, new { Sessions = 0 });
        activity.Record("user.signed_out_by_staff", byUserId, detail: $"{ended} session(s)", subject: user.Email);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return UserActionResult.Done;
    }

    public async Task<UserActionResult> UnlockAsync(string userId, string? byUserId, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return UserActionResult.NotFound;
        }

        var lockedUntil = user.LockoutEnd;
        if (lockedUntil is null || lockedUntil <= time.GetUtcNow())
        {
            return UserActionResult.Unchanged;
        }

        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        audit.Record("user.unlocked", "user", user.Email, new { LockedUntil = lockedUntil }, new { LockedUntil = (DateTimeOffset?)null });
        activity.Record("user.unlocked", byUserId, subject: user.Email);
        // UpdateAsync saves the user and the entries together.
        await Save(users.UpdateAsync(user));
        return UserActionResult.Done;
    }

    public async Task<UserActionResult> ResetTwoFactorAsync(string userId, string? byUserId, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return UserActionResult.NotFound;
        }

        if (!user.TwoFactorEnabled)
        {
            return UserActionResult.Unchanged;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        user.TwoFactorEnabled = false;
        user.MustSetUpTwoFactor = true;
        // A new key and no recovery codes: the old app and the old codes are worth nothing now.
        await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "RecoveryCodes");
        await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "AuthenticatorKey");
        await db.RevokeSessionsAsync(s => s.UserId == user.Id, time.GetUtcNow().UtcDateTime, ct);
        audit.Record("user.two_factor_reset", "user", user.Email, new { TwoFactor = true }, new { TwoFactor = false, MustSetUp = true });
        activity.Record("two_factor.reset_by_staff", byUserId, subject: user.Email);
        await Save(users.UpdateSecurityStampAsync(user));
        await tx.CommitAsync(ct);
        return UserActionResult.Done;
    }

    /// <summary>Disables the login: no sign-in, and every session ends at once. <paramref name="byUserId"/> may not disable themself.</summary>
    public async Task<UserActionResult> DisableAsync(string userId, string? byUserId, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return UserActionResult.NotFound;
        }

        if (user.Id == byUserId)
        {
            return UserActionResult.Yourself;
        }

        if (user.DisabledAt is not null)
        {
            return UserActionResult.Unchanged;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (user.IsStaff && await IsLastAdministratorAsync(user, ct))
        {
            return UserActionResult.LastAdministrator;
        }

        if (user.DisabledAt is not null)
        {
            // Disabled by someone else while this request waited for the lock.
            return UserActionResult.Unchanged;
        }

        var now = time.GetUtcNow().UtcDateTime;
        user.DisabledAt = now;
        var ended = await db.RevokeSessionsAsync(s => s.UserId == user.Id, now, ct);
        audit.Record("user.disabled", "user", user.Email, new { Disabled = false }, new { Disabled = true, SessionsEnded = ended });
        activity.Record("user.disabled", byUserId, subject: user.Email);
        await Save(users.UpdateSecurityStampAsync(user));
        await tx.CommitAsync(ct);
        return UserActionResult.Done;
    }

    public async Task<UserActionResult> EnableAsync(string userId, string? byUserId, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return UserActionResult.NotFound;
        }

        if (user.DisabledAt is null)
        {
            return UserActionResult.Unchanged;
        }

        var disabledAt = user.DisabledAt;
        user.DisabledAt = null;
        audit.Record("user.enabled", "user", user.Email, new { Disabled = true, DisabledAt = disabledAt }, new { Disabled = false });
        activity.Record("user.enabled", byUserId, subject: user.Email);
        await Save(users.UpdateAsync(user));
        return UserActionResult.Done;
    }

    /// <summary>Changes a staff member's role; their sessions end so the new role applies at once.</summary>
    public async Task<UserActionResult> ChangeStaffRoleAsync(string userId, StaffRole role, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null || !user.IsStaff)
        {
            return UserActionResult.NotFound;
        }

        var before = user.StaffRole ?? StaffRole.Administrator;
        if (before == role)
        {
            return UserActionResult.Unchanged;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (role != StaffRole.Administrator && await IsLastAdministratorAsync(user, ct))
        {
            return UserActionResult.LastAdministrator;
        }

        if ((user.StaffRole ?? StaffRole.Administrator) == role)
        {
            return UserActionResult.Unchanged;
        }

        user.StaffRole = role;
        await db.RevokeSessionsAsync(s => s.UserId == user.Id, time.GetUtcNow().UtcDateTime, ct);
        audit.Record("staff.role_changed", "staff", user.Email, new { Role = before.ToString() }, new { Role = role.ToString() });
        await Save(users.UpdateSecurityStampAsync(user));
        await tx.CommitAsync(ct);
        return UserActionResult.Done;
    }

    // Whether the user is the only enabled administrator who can sign in (an invited one without a
    // password yet does not count). Two administrators disabling or demoting each other at once must not
    // both succeed: touching every enabled administrator's row first takes their row locks (PostgreSQL)
    // or the write lock (SQLite) until the commit, so the second request waits, then re-reads the user
    // and counts what the first left. Call it inside the transaction that makes the change.
    private async Task<bool> IsLastAdministratorAsync(PortalUser user, CancellationToken ct)
    {
        await db.Users
            .Where(u => u.IsStaff && u.DisabledAt == null && (u.StaffRole == null || u.StaffRole == StaffRole.Administrator) && u.PasswordHash != null)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.StaffRole, u => u.StaffRole), ct);
        // The user was read before the lock: what another request changed meanwhile counts.
        await db.Entry(user).ReloadAsync(ct);
        var isAdministrator = user.DisabledAt is null && (user.StaffRole ?? StaffRole.Administrator) == StaffRole.Administrator;
        return isAdministrator && !await db.Users.AnyAsync(
            u => u.Id != user.Id && u.IsStaff && u.DisabledAt == null && (u.StaffRole == null || u.StaffRole == StaffRole.Administrator) && u.PasswordHash != null,
            ct);
    }

    private static async Task Save(Task<IdentityResult> update)
    {
        var result = await update;
        if (!result.Succeeded)
        {
            // A concurrency stamp that moved underneath: the caller's transaction rolls back.
            throw new DbUpdateConcurrencyException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }
}
