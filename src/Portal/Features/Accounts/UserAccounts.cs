using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Payments;

namespace Portal.Features.Accounts;

/// <summary>An account a user may act for, with the permissions they have on it (a direct membership wins over the parent's).</summary>
public sealed record UserAccount(long Id, string Number, string Name, string Currency, bool BilledToParent, Permissions Permissions)
{
    public bool Can(Permissions permission) => (Permissions & permission) == permission;

    /// <summary>May pay its invoices here: Pay and SeeMoney, and its invoices are not paid by the parent.</summary>
    public bool Payable => Can(Permissions.Pay | Permissions.SeeMoney) && !BilledToParent;
}

/// <summary>What the accounts a user may see money for owe together (<see cref="Payable"/> of them the user may pay).</summary>
public sealed record CombinedBalance(int Accounts, int Payable, IReadOnlyList<CurrencyAmount> Balance);

/// <summary>An amount in one currency (a combined figure is one of these per currency, never a sum across them).</summary>
public sealed record CurrencyAmount(string Currency, decimal Amount);

/// <summary>
/// Every account a user may act for, with the effective permissions, for the pages that show several
/// accounts at once (pay across accounts, the combined balance). The same rule as the account scope
/// guard: memberships and the children of the accounts they name, portal enabled.
/// </summary>
public static class UserAccounts
{
    /// <summary>More accounts than this are not shown together (the picker still lists them all).</summary>
    public const int Limit = 50;

    public static async Task<IReadOnlyList<UserAccount>> ListAsync(PortalDb db, string userId, CancellationToken ct)
    {
        // Two short reads from the user's memberships (IX_Memberships_UserId_AccountId) and the
        // children of those accounts (IX_Accounts_ParentAccountId), merged here.
        var direct = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == userId && m.Account!.PortalEnabled)
            .Select(m => new UserAccount(m.AccountId, m.Account!.Number, m.Account.Name, m.Account.Currency, m.Account.BilledToParent, m.Permissions))
            .Take(Limit + 1)
            .ToListAsync(ct);
        var inherited = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == userId)
            .Join(db.Accounts.Where(c => c.PortalEnabled), m => m.AccountId, c => c.ParentAccountId,
                (m, c) => new UserAccount(c.Id, c.Number, c.Name, c.Currency, c.BilledToParent, m.Permissions))
            .Take(Limit + 1)
            .ToListAsync(ct);
        return direct.Concat(inherited.Where(c => direct.All(d => d.Id != c.Id)))
            .DistinctBy(a => a.Id)
            .OrderBy(a => a.Name, StringComparer.CurrentCulture).ThenBy(a => a.Id)
            .Take(Limit)
            .ToList();
    }

    /// <summary>The combined balance of the accounts the user may see money for; null unless there are two or more.</summary>
    public static async Task<CombinedBalance?> CombinedAsync(PortalDb db, string userId, CancellationToken ct)
    {
        var accounts = (await ListAsync(db, userId, ct)).Where(a => a.Can(Permissions.SeeMoney)).ToList();
        return accounts.Count < 2 ? null
            : new CombinedBalance(accounts.Count, accounts.Count(a => a.Payable), await CombinedBalanceAsync(db, accounts.Select(a => a.Id).ToList(), ct));
    }

    /// <summary>
    /// What the given accounts owe together, one figure per currency: open invoices less unapplied credits
    /// and payments, from the same small partial indexes as <see cref="Ledger.AccountFigures"/>.
    /// </summary>
    public static async Task<IReadOnlyList<CurrencyAmount>> CombinedBalanceAsync(PortalDb db, IReadOnlyCollection<long> accountIds, CancellationToken ct)
    {
        if (accountIds.Count == 0)
        {
            return [];
        }

        var ids = accountIds.ToList();
        var open = await db.Invoices.AsNoTracking()
            .Where(i => ids.Contains(i.AccountId) && i.OpenAmount > 0m && !i.IsVoid)
            .GroupBy(i => i.Currency)
            .Select(g => new CurrencyAmount(g.Key, g.Sum(i => i.OpenAmount)))
            .ToListAsync(ct);
        var credits = await db.CreditMemos.AsNoTracking()
            .Where(c => ids.Contains(c.AccountId) && c.RemainingAmount > 0m && !c.IsVoid)
            .GroupBy(c => c.Currency)
            .Select(g => new CurrencyAmount(g.Key, g.Sum(c => c.RemainingAmount)))
            .ToListAsync(ct);
        var payments = await db.Payments.AsNoTracking()
            .Where(p => ids.Contains(p.AccountId) && p.UnappliedAmount > 0m && p.Status == PaymentStatus.Succeeded)
            .GroupBy(p => p.Currency)
            .Select(g => new CurrencyAmount(g.Key, g.Sum(p => p.UnappliedAmount)))
            .ToListAsync(ct);
        return open.Concat(credits.Concat(payments).Select(c => c with { Amount = -c.Amount }))
            .GroupBy(c => c.Currency, StringComparer.Ordinal)
            .Select(g => new CurrencyAmount(g.Key, g.Sum(c => c.Amount)))
            .OrderBy(c => c.Currency, StringComparer.Ordinal)
            .ToList();
    }
}
