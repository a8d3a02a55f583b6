using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;

namespace Portal.Infrastructure.AccountScope;

/// <summary>The account the signed-in customer is acting for, and what they may do on it.</summary>
public sealed record CurrentAccount(
    long Id,
    string Number,
    string Name,
    string Currency,
    string? Branch,
    long? ParentAccountId,
    string? ParentName,
    bool BilledToParent,
    Permissions Permissions,
    bool CanSwitch)
{
    public bool Can(Permissions permission) => (Permissions & permission) == permission;

    public bool SeesMoney => Can(Permissions.SeeMoney);
}

/// <summary>
/// The one guard between a customer and account data. A user reaches an account through a membership
/// on it or on its parent; every customer query filters by <see cref="CurrentAccount.Id"/> from here,
/// and an account the user cannot reach is simply not found.
/// </summary>
public sealed class AccountScope(PortalDb db, IHttpContextAccessor http)
{
    public const string CookieName = "portal-account";

    private static readonly Func<PortalDb, string, long, CancellationToken, Task<CurrentAccount?>> ResolveQuery =
        EF.CompileAsyncQuery((PortalDb db, string userId, long accountId, CancellationToken ct) =>
            db.Accounts
                .TagWith(PreparedQueries.Tag) // every page runs it; its plan is key lookups whatever the account (ADR 0020)
                .Where(a => a.Id == accountId && a.PortalEnabled)
                .Select(a => new
                {
                    Account = a,
                    ParentName = a.ParentAccount!.Name,
                    // A direct membership wins over the one inherited from the parent.
                    Permissions = db.Memberships
                        .Where(m => m.UserId == userId && m.AccountId == a.Id)
                        .Select(m => (Permissions?)m.Permissions)
                        .FirstOrDefault()
                        ?? db.Memberships
                        .Where(m => m.UserId == userId && m.AccountId == a.ParentAccountId)
                        .Select(m => (Permissions?)m.Permissions)
                        .FirstOrDefault(),
                    Memberships = db.Memberships.Count(m => m.UserId == userId),
                    HasChildren = db.Memberships.Where(m => m.UserId == userId)
                        .Join(db.Accounts, m => m.AccountId, c => c.ParentAccountId, (m, c) => c.Id).Any(),
                })
                .Where(x => x.Permissions != null)
                .Select(x => new CurrentAccount(
                    x.Account.Id, x.Account.Number, x.Account.Name, x.Account.Currency, x.Account.Branch,
                    x.Account.ParentAccountId, x.ParentName, x.Account.BilledToParent,
                    x.Permissions!.Value, x.Memberships > 1 || x.HasChildren))
                .FirstOrDefault());

    // Staff viewing an account as its members do: that one account, every permission, no switching.
    // Writes are refused before any page runs (ViewAs.UseViewAs); the pages only read.
    private static readonly Func<PortalDb, long, CancellationToken, Task<CurrentAccount?>> ViewAsQuery =
        EF.CompileAsyncQuery((PortalDb db, long accountId, CancellationToken ct) =>
            db.Accounts
                .TagWith(PreparedQueries.Tag)
                .Where(a => a.Id == accountId)
                .Select(a => new CurrentAccount(
                    a.Id, a.Number, a.Name, a.Currency, a.Branch, a.ParentAccountId, a.ParentAccount!.Name, a.BilledToParent,
                    Permissions.All, false))
                .FirstOrDefault());

    private CurrentAccount? _current;
    private bool _resolved;

    public string? UserId => http.HttpContext?.User.FindFirstValue(ClaimTypes.NameIdentifier);

    /// <summary>The current account, or null when the user may act for none (or is not signed in).</summary>
    public async Task<CurrentAccount?> GetCurrentAsync(CancellationToken ct = default)
    {
        if (_resolved)
        {
            return _current;
        }

        _resolved = true;
        var userId = UserId;
        if (userId is null)
        {
            return null;
        }

        if (http.HttpContext?.ViewAsGrant() is { } viewAs)
        {
            _current = await ViewAsQuery(db, viewAs.AccountId, ct);
            return _current;
        }

        var cookie = http.HttpContext?.Request.Cookies[CookieName];
        if (long.TryParse(cookie, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var selected))
        {
            _current = await ResolveQuery(db, userId, selected, ct);
        }

        if (_current is null)
        {
            // No choice yet, or a stale one: the first account the user is a direct member of, by name
            // (a parent before its children).
            var first = await db.Memberships.Where(m => m.UserId == userId && m.Account!.PortalEnabled)
                .OrderBy(m => m.Account!.Name).Select(m => (long?)m.AccountId).FirstOrDefaultAsync(ct);
            if (first is long id)
            {
                _current = await ResolveQuery(db, userId, id, ct);
                Remember(id);
            }
        }

        return _current;
    }

    /// <summary>Makes another account current, if the user may act for it. False means: not found.</summary>
    public async Task<bool> SwitchToAsync(long accountId, CancellationToken ct = default)
    {
        var userId = UserId;
        if (userId is null || http.HttpContext?.ViewAsGrant() is not null)
        {
            return false;
        }

        var account = await ResolveQuery(db, userId, accountId, ct);
        if (account is null)
        {
            return false;
        }

        _current = account;
        _resolved = true;
        Remember(accountId);
        return true;
    }

    /// <summary>Every account the user may act for: their memberships and the children of those accounts.</summary>
    public IQueryable<Account> Accessible(string userId)
    {
        var direct = db.Memberships.Where(m => m.UserId == userId).Select(m => m.AccountId);
        var children = db.Memberships.Where(m => m.UserId == userId)
            .Join(db.Accounts, m => m.AccountId, c => c.ParentAccountId, (m, c) => c.Id);
        var ids = direct.Concat(children);
        return db.Accounts.Where(a => a.PortalEnabled && ids.Contains(a.Id));
    }

    private void Remember(long accountId) =>
        http.HttpContext?.Response.Cookies.Append(CookieName, accountId.ToString(System.Globalization.CultureInfo.InvariantCulture), new CookieOptions
        {
            HttpOnly = true,
            IsEssential = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.HttpContext.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(90),
        });
}
