using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Infrastructure.Api;

/// <summary>Resolves the billing system's account reference in a request body to our account.</summary>
public static class AccountRefs
{
    public sealed record AccountRef(long Id, string Currency);

    public static async Task<AccountRef?> FindAsync(PortalDb db, string? externalId, CancellationToken ct) =>
        string.IsNullOrEmpty(externalId)
            ? null
            : await db.Accounts.Where(a => a.ExternalId == externalId).Select(a => new AccountRef(a.Id, a.Currency)).FirstOrDefaultAsync(ct);
}
