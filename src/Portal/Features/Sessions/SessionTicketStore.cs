using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Sessions;

/// <summary>
/// Keeps the Identity cookie's authentication tickets in the database (ASVS 7.2, 7.3, 7.4): the cookie
/// holds a random 256-bit key, the row holds the ticket. Every request costs one primary-key lookup;
/// nothing is cached in memory, so any instance can end any session.
/// </summary>
public sealed class SessionTicketStore(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider time) : ITicketStore
{
    /// <summary>A session unused this long is over (ASVS 7.3.1).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    /// <summary>No session lives longer than this, however busy (ASVS 7.3.2).</summary>
    public static readonly TimeSpan AbsoluteTimeout = TimeSpan.FromHours(12);

    // Last-seen is for people reading the sessions page and for the idle deadline: minute precision
    // is plenty, and it keeps an active session to one write a minute instead of one per request.
    private static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    private static readonly object CurrentSessionKey = new();

    private static readonly Func<PortalDb, string, CancellationToken, Task<SessionRow?>> FindQuery =
        EF.CompileAsyncQuery((PortalDb db, string id, CancellationToken ct) =>
            db.UserSessions.AsNoTracking()
                .TagWith(PreparedQueries.Tag) // every request runs it: prepared on PostgreSQL (ADR 0020)
                .Where(s => s.Id == id)
                .Select(s => new SessionRow(s.Ticket, s.CreatedAt, s.LastSeenAt, s.RevokedAt))
                .FirstOrDefault());

    private readonly IDataProtector _protector = protection.CreateProtector("Portal.Sessions.Ticket.v1");

    /// <summary>The id (hashed key) of the session the request came with, once the cookie was read.</summary>
    public static string? CurrentSessionId(HttpContext context) => context.Items[CurrentSessionKey] as string;

    /// <summary>Whether a session created at <paramref name="createdAt"/> and last seen at <paramref name="lastSeenAt"/> is still alive.</summary>
    public static bool IsAlive(DateTime createdAt, DateTime lastSeenAt, DateTime now) =>
        now < lastSeenAt + IdleTimeout && now < createdAt + AbsoluteTimeout;

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreCoreAsync(ticket, null, CancellationToken.None);

    public Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken) => StoreCoreAsync(ticket, null, cancellationToken);

    public Task<string> StoreAsync(AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken) =>
        StoreCoreAsync(ticket, httpContext, cancellationToken);

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewCoreAsync(key, ticket, CancellationToken.None);

    public Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken) => RenewCoreAsync(key, ticket, cancellationToken);

    public Task RenewAsync(string key, AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken) =>
        RenewCoreAsync(key, ticket, cancellationToken);

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveCoreAsync(key, null, CancellationToken.None);

    public Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken) => RetrieveCoreAsync(key, null, cancellationToken);

    public Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken) =>
        RetrieveCoreAsync(key, httpContext, cancellationToken);

    public Task RemoveAsync(string key) => RemoveCoreAsync(key, CancellationToken.None);

    public Task RemoveAsync(string key, CancellationToken cancellationToken) => RemoveCoreAsync(key, cancellationToken);

    public Task RemoveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken) => RemoveCoreAsync(key, cancellationToken);

    /// <summary>The database id of a cookie's key: its SHA-256, base64url.</summary>
    public static string Hash(string key) => WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private async Task<string> StoreCoreAsync(AuthenticationTicket ticket, HttpContext? http, CancellationToken ct)
    {
        // ASVS 7.2.3: a reference token from a CSPRNG with 256 bits of entropy.
        var key = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var userId = UserIdOf(ticket);
        var now = time.GetUtcNow().UtcDateTime;
        var oldest = now - AbsoluteTimeout;
        var idleSince = now - IdleTimeout;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        // Housekeeping where it is cheap: the user's ended sessions go when a new one starts.
        await db.UserSessions
            .Where(s => s.UserId == userId && (s.RevokedAt != null || s.LastSeenAt < idleSince || s.CreatedAt < oldest))
            .ExecuteDeleteAsync(ct);
        var agent = http?.Request.Headers.UserAgent.ToString();
        db.UserSessions.Add(new UserSession
        {
            Id = Hash(key),
            UserId = userId,
            Ticket = Protect(ticket),
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + IdleTimeout,
            IpAddress = http?.Connection.RemoteIpAddress?.ToString(),
            Device = DeviceSummary.From(agent),
        });
        await db.SaveChangesAsync(ct);
        if (http is not null)
        {
            http.Items[CurrentSessionKey] = Hash(key);
        }

        return key;
    }

    private async Task RenewCoreAsync(string key, AuthenticationTicket ticket, CancellationToken ct)
    {
        var id = Hash(key);
        var now = time.GetUtcNow().UtcDateTime;
        var protectedTicket = Protect(ticket);
        var userId = UserIdOf(ticket);
        var idleDeadline = now + IdleTimeout;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        // A revoked session stays revoked: renewing never brings a row back.
        await db.UserSessions
            .Where(s => s.Id == id && s.RevokedAt == null)
            .ExecuteUpdateAsync(
                u => u.SetProperty(s => s.Ticket, protectedTicket)
                    .SetProperty(s => s.UserId, userId)
                    .SetProperty(s => s.LastSeenAt, now)
                    .SetProperty(s => s.ExpiresAt, idleDeadline),
                ct);
    }

    private async Task<AuthenticationTicket?> RetrieveCoreAsync(string key, HttpContext? http, CancellationToken ct)
    {
        // Every request reads its session: with the request's own context (the one its page then uses, already
        // created, on the same pooled connection) rather than a scope and a context of its own per request. Outside
        // a request, a scope of its own. The lookup tracks nothing and the touch below is a set-based update, so
        // nothing of the request's pending work is saved by it.
        if (http?.RequestServices.GetService<PortalDb>() is { } requestDb)
        {
            return await RetrieveWithAsync(requestDb, key, http, ct);
        }

        await using var scope = scopes.CreateAsyncScope();
        return await RetrieveWithAsync(scope.ServiceProvider.GetRequiredService<PortalDb>(), key, http, ct);
    }

    private async Task<AuthenticationTicket?> RetrieveWithAsync(PortalDb db, string key, HttpContext? http, CancellationToken ct)
    {
        var id = Hash(key);
        var row = await FindQuery(db, id, ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (row is null || row.RevokedAt is not null || !IsAlive(row.CreatedAt, row.LastSeenAt, now))
        {
            return null;
        }

        var ticket = Unprotect(row.Ticket);
        if (ticket is null)
        {
            return null;
        }

        if (now - row.LastSeenAt >= LastSeenResolution)
        {
            var idleDeadline = Min(now + IdleTimeout, row.CreatedAt + AbsoluteTimeout);
            await db.UserSessions
                .Where(s => s.Id == id && s.RevokedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now).SetProperty(s => s.ExpiresAt, idleDeadline), ct);
        }

        if (http is not null)
        {
            http.Items[CurrentSessionKey] = id;
        }

        return ticket;
    }

    private async Task RemoveCoreAsync(string key, CancellationToken ct)
    {
        var id = Hash(key);
        var now = time.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        await db.RevokeSessionsAsync(s => s.Id == id, now, ct);
    }

    private byte[] Protect(AuthenticationTicket ticket) => _protector.Protect(TicketSerializer.Default.Serialize(ticket));

    private AuthenticationTicket? Unprotect(byte[] data)
    {
        if (data.Length == 0)
        {
            return null;
        }

        try
        {
            return TicketSerializer.Default.Deserialize(_protector.Unprotect(data));
        }
        catch (CryptographicException)
        {
            // A ticket sealed with a key that is gone: the session cannot be used, like an expired one.
            return null;
        }
    }

    private static string UserIdOf(AuthenticationTicket ticket) =>
        ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? throw new InvalidOperationException("A session ticket without a user id.");

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private sealed record SessionRow(byte[] Ticket, DateTime CreatedAt, DateTime LastSeenAt, DateTime? RevokedAt);
}

public static class SessionQueries
{
    /// <summary>Ends the sessions that match: their rows are marked revoked and their tickets dropped.</summary>
    public static Task<int> RevokeSessionsAsync(this PortalDb db, System.Linq.Expressions.Expression<Func<UserSession, bool>> which, DateTime now, CancellationToken ct) =>
        db.UserSessions
            .Where(which)
            .Where(s => s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now).SetProperty(s => s.Ticket, Array.Empty<byte>()), ct);

    /// <summary>Signs the user out everywhere except the session <paramref name="keepSessionId"/> (ASVS 7.4.3).</summary>
    public static Task<int> RevokeOtherSessionsAsync(this PortalDb db, string userId, string? keepSessionId, DateTime now, CancellationToken ct) =>
        db.RevokeSessionsAsync(s => s.UserId == userId && s.Id != keepSessionId, now, ct);
}

/// <summary>Plugs the store into the Identity application cookie, with the store resolved from DI.</summary>
internal sealed class UseSessionStore(SessionTicketStore store) : Microsoft.Extensions.Options.IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (name == Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme)
        {
            options.SessionStore = store;
        }
    }
}

/// <summary>A browser and platform summary of a User-Agent header, e.g. "Firefox · Windows".</summary>
public static class DeviceSummary
{
    public static string? From(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return null;
        }

        bool Has(string s) => userAgent.Contains(s, StringComparison.Ordinal);
        var browser = Has("Edg/") ? "Edge"
            : Has("OPR/") ? "Opera"
            : Has("Firefox/") || Has("FxiOS/") ? "Firefox"
            : Has("Chrome/") || Has("CriOS/") || Has("Chromium/") ? "Chrome"
            : Has("Safari/") ? "Safari"
            : null;
        var platform = Has("iPhone") ? "iPhone"
            : Has("iPad") ? "iPad"
            : Has("Android") ? "Android"
            : Has("Windows") ? "Windows"
            : Has("Mac OS X") || Has("Macintosh") ? "macOS"
            : Has("CrOS") ? "ChromeOS"
            : Has("Linux") ? "Linux"
            : null;
        var summary = (browser, platform) switch
        {
            (null, null) => userAgent,
            (_, null) => browser,
            (null, _) => platform,
            _ => $"{browser} · {platform}",
        };
        return summary.Length > 100 ? summary[..100] : summary;
    }
}
