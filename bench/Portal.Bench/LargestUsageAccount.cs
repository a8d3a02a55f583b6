using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;

namespace Portal.Bench;

/// <summary>
/// The account with the most usage records in a generated database, and a member of it who may view
/// the usage page: what the usage load phases and the export benchmark measure. The generator skews
/// usage towards the first accounts at random, so the largest is found by asking the data (one grouped
/// count over the usage table) rather than guessed from the users file.
/// </summary>
internal sealed record LargestUsageAccount(long AccountId, string Number, long Records, string MemberEmail)
{
    public static async Task<LargestUsageAccount?> FindAsync(PortalDb db, CancellationToken ct = default)
    {
        var top = await db.UsageRecords.AsNoTracking()
            .GroupBy(u => u.AccountId)
            .Select(g => new { AccountId = g.Key, Count = g.LongCount() })
            .OrderByDescending(g => g.Count).ThenBy(g => g.AccountId)
            .FirstOrDefaultAsync(ct);
        if (top is null)
        {
            return null;
        }

        var number = await db.Accounts.AsNoTracking().Where(a => a.Id == top.AccountId).Select(a => a.Number).SingleAsync(ct);
        // The account's own user first (the generator gives each account one), then any other member.
        var members = await db.Memberships.AsNoTracking().Where(m => m.AccountId == top.AccountId)
            .Select(m => new { m.Permissions, Email = m.User!.Email })
            .ToListAsync(ct);
        var member = members.Where(m => m.Email is not null && (m.Permissions & Permissions.View) != 0)
            .OrderBy(m => m.Email!.StartsWith("user", StringComparison.Ordinal) ? 0 : 1).ThenBy(m => m.Email, StringComparer.Ordinal)
            .FirstOrDefault();
        return member is null ? null : new LargestUsageAccount(top.AccountId, number, top.Count, member.Email!);
    }
}
