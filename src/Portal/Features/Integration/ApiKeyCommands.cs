using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Integration;

/// <summary>
/// <c>dotnet run --project src/Portal -- api-key create NAME | list | revoke PREFIX</c>. <c>create</c> prints the
/// new key, and only it, on standard output, so that it can be captured by a script.
/// </summary>
public static class ApiKeyCommands
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter stdout, TextWriter stderr)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        switch (args)
        {
            case ["api-key", "create", var name] when !string.IsNullOrWhiteSpace(name) && name.Length <= 100:
                var (entity, key) = ApiKey.Create(name.Trim(), "command line", now);
                db.Add(entity);
                await db.SaveChangesAsync();
                await stdout.WriteLineAsync(key);
                return 0;
            case ["api-key", "list"]:
                foreach (var k in await db.Set<ApiKey>().AsNoTracking().OrderBy(k => k.Id).ToListAsync())
                {
                    await stdout.WriteLineAsync(string.Join('\t', k.Prefix, k.Name, k.RevokedAt is null ? "active" : "revoked", k.LastUsedAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "never used"));
                }

                return 0;
            case ["api-key", "revoke", var prefix]:
                var revoked = await db.Set<ApiKey>().Where(k => k.Prefix == prefix && k.RevokedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now));
                await stderr.WriteLineAsync(revoked == 1 ? $"Revoked {prefix}." : $"No active key {prefix}.");
                return revoked == 1 ? 0 : 1;
            default:
                await stderr.WriteLineAsync("Usage: api-key create NAME | api-key list | api-key revoke PREFIX");
                return 2;
        }
    }
}
