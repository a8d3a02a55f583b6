using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Sessions;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Events;
using Portal.Resources;

namespace Portal.Features.Users;

/// <summary>What a command on an account's users came to: mapped to a form error or a 404 by the caller.</summary>
public abstract record AccountUserResult
{
    public sealed record Success : AccountUserResult;

    /// <summary>A field the caller got wrong (<c>permissions</c>, <c>membership</c>), with a message for a person.</summary>
    public sealed record Invalid(string Field, string Message) : AccountUserResult;

    public sealed record NotFound : AccountUserResult;
}

/// <summary>
/// Changes a member's permissions on an account and removes members, for the customer's own user
/// administrators (and the console, which passes no limit). Two rules hold whoever acts: nobody grants
/// a permission they do not hold themselves, and an account never loses its last member who may manage
/// users. Each command is one transaction with its activity entry and integration event.
/// </summary>
public sealed class AccountUsers(PortalDb db, TimeProvider time, ActivityLog activity, IntegrationEvents events, IStringLocalizer<SharedResource> l)
{
    /// <summary>The permissions a user administrator can give, in the order they are shown.</summary>
    public static readonly Permissions[] Grantable =
        [Permissions.View, Permissions.SeeMoney, Permissions.Pay, Permissions.Order, Permissions.Quote, Permissions.ServiceCalls, Permissions.ManageUsers];

    /// <summary>
    /// Sets the member's permissions. <paramref name="actorHolds"/> is what the person acting holds on the
    /// account (null for staff): a permission outside it can be taken away but not given.
    /// </summary>
    public async Task<AccountUserResult> ChangePermissionsAsync(long accountId, long membershipId, Permissions requested, Permissions? actorHolds, string? actorId, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await LockManagersAsync(accountId, ct);
        // Another account's member is not found, whatever else the request got wrong.
        var membership = await FindAsync(accountId, membershipId, ct);
        if (membership is null)
        {
            return new AccountUserResult.NotFound();
        }

        if (requested == Permissions.None || (requested & ~Permissions.All) != 0)
        {
            return new AccountUserResult.Invalid("permissions", l["Choose at least one permission."]);
        }

        // Whoever may do anything on an account may see it.
        requested |= Permissions.View;

        var before = membership.Permissions;
        if (before == requested)
        {
            return new AccountUserResult.Success();
        }

        // Taking away is always allowed; adding only what the actor holds.
        if (Lacking(requested & ~before, actorHolds) is var missing and not Permissions.None)
        {
            return new AccountUserResult.Invalid("permissions", LackingMessage(missing, l));
        }

        if (Has(before, Permissions.ManageUsers) && !Has(requested, Permissions.ManageUsers) && !await AnotherManagerAsync(accountId, membershipId, ct))
        {
            return new AccountUserResult.Invalid("permissions", l["{0} is the last user who may manage users on this account. Give that permission to someone else first.", membership.User!.Email ?? ""]);
        }

        membership.Permissions = requested;
        var email = membership.User!.Email;
        activity.Record("membership.permissions-changed", actorId, accountId, $"{before} -> {requested}", email);
        events.Record("user.permissions_changed", accountId, membership.Account!.ExternalId,
            new { email, userId = membership.UserId, before = before.ToString(), after = requested.ToString() });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new AccountUserResult.Success();
    }

    /// <summary>
    /// Takes the member's access to the account away. The account scope reads memberships on every
    /// request, so their next request no longer reaches the account; a user left with no account at all
    /// is signed out everywhere.
    /// </summary>
    public async Task<AccountUserResult> RemoveAsync(long accountId, long membershipId, string? actorId, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await LockManagersAsync(accountId, ct);
        var membership = await FindAsync(accountId, membershipId, ct);
        if (membership is null)
        {
            return new AccountUserResult.NotFound();
        }

        if (Has(membership.Permissions, Permissions.ManageUsers) && !await AnotherManagerAsync(accountId, membershipId, ct))
        {
            return new AccountUserResult.Invalid("membership", l["{0} is the last user who may manage users on this account and cannot be removed.", membership.User!.Email ?? ""]);
        }

        var email = membership.User!.Email;
        db.Memberships.Remove(membership);
        activity.Record("membership.removed", actorId, accountId, membership.Permissions.ToString(), email);
        events.Record("user.removed", accountId, membership.Account!.ExternalId, new { email, userId = membership.UserId, permissions = membership.Permissions.ToString() });
        await db.SaveChangesAsync(ct);
        if (!await db.Memberships.AnyAsync(m => m.UserId == membership.UserId, ct))
        {
            await db.RevokeSessionsAsync(s => s.UserId == membership.UserId, time.GetUtcNow().UtcDateTime, ct);
        }

        await tx.CommitAsync(ct);
        return new AccountUserResult.Success();
    }

    /// <summary>What of <paramref name="wanted"/> the actor does not hold (None when <paramref name="actorHolds"/> is null: staff).</summary>
    public static Permissions Lacking(Permissions wanted, Permissions? actorHolds) =>
        actorHolds is Permissions holds ? wanted & ~(holds | Permissions.View) : Permissions.None;

    /// <summary>The form error naming the permissions the actor cannot give.</summary>
    public static string LackingMessage(Permissions missing, IStringLocalizer l)
    {
        var names = string.Join(", ", Grantable.Where(p => Has(missing, p)).Select(p => l[Name(p)].Value));
        return l["You cannot give permissions you do not hold yourself: {0}.", names];
    }

    /// <summary>The English key of a permission's name, for the localizer.</summary>
    public static string Name(Permissions permission) => permission switch
    {
        Permissions.View => "View",
        Permissions.SeeMoney => "See amounts",
        Permissions.Pay => "Pay",
        Permissions.Order => "Order",
        Permissions.Quote => "Quotes",
        Permissions.ServiceCalls => "Service calls",
        Permissions.ManageUsers => "Manage users",
        _ => permission.ToString(),
    };

    private static bool Has(Permissions set, Permissions permission) => (set & permission) == permission;

    // The membership must belong to the account: an id from another account is not found.
    private Task<Membership?> FindAsync(long accountId, long membershipId, CancellationToken ct) =>
        db.Memberships.Include(m => m.User).Include(m => m.Account)
            .SingleOrDefaultAsync(m => m.Id == membershipId && m.AccountId == accountId, ct);

    private Task<bool> AnotherManagerAsync(long accountId, long membershipId, CancellationToken ct) =>
        db.Memberships.AnyAsync(m => m.AccountId == accountId && m.Id != membershipId && (m.Permissions & Permissions.ManageUsers) == Permissions.ManageUsers, ct);

    // Two administrators demoting each other at once must not both succeed. Touching the account's
    // manager rows takes their row locks (PostgreSQL) or the write lock (SQLite) until the commit, so
    // the second command waits and then counts what the first left.
    private Task<int> LockManagersAsync(long accountId, CancellationToken ct) =>
        db.Memberships
            .Where(m => m.AccountId == accountId && (m.Permissions & Permissions.ManageUsers) == Permissions.ManageUsers)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Permissions, m => m.Permissions), ct);
}
