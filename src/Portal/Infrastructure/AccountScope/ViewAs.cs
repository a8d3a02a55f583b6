using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Portal.Features.Admin.Staff;
using Portal.Features.Identity;
using Portal.Features.Sessions;

namespace Portal.Infrastructure.AccountScope;

/// <summary>
/// A staff member looking at one customer account as a member with every permission would, read only.
/// Started and ended from the console (audited there); carried in a data-protected cookie bound to the
/// staff member and their session, so any instance can read it and none keeps it in memory.
/// </summary>
public sealed record ViewAsGrant(string StaffId, string? SessionId, long AccountId, string AccountNumber, string AccountName, DateTime ExpiresAt);

public static class ViewAs
{
    public const string CookieName = "portal-view-as";

    /// <summary>Claim added to a staff principal while a grant is valid; the customer policy admits it.</summary>
    public const string Claim = "portal:view-as";

    /// <summary>How long one view lasts at most; it ends sooner with the staff member's session.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private const string Purpose = "Portal.ViewAs.v1";

    /// <summary>The valid grant of this request, or null (set by <see cref="UseViewAs"/>).</summary>
    public static ViewAsGrant? ViewAsGrant(this HttpContext context) => context.Items[typeof(ViewAsGrant)] as ViewAsGrant;

    /// <summary>Whether a staff member with this role may view an account as its members do: every role that reads accounts.</summary>
    public static bool MayViewAs(ClaimsPrincipal user) => user.Has(StaffRole.Support);

    /// <summary>Starts viewing <paramref name="accountId"/> for the signed-in staff member; the caller audits it.</summary>
    public static ViewAsGrant Start(HttpContext context, long accountId, string number, string name, DateTime now)
    {
        var grant = new ViewAsGrant(
            context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No signed-in staff member."),
            SessionTicketStore.CurrentSessionId(context), accountId, number, name, now + Lifetime);
        var protector = Protector(context);
        context.Response.Cookies.Append(CookieName, protector.Protect(JsonSerializer.Serialize(grant)), new CookieOptions
        {
            HttpOnly = true,
            IsEssential = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            // A browser-session cookie: the expiry inside the protected payload is the one that counts.
        });
        return grant;
    }

    public static void End(HttpContext context) => context.Response.Cookies.Delete(CookieName);

    /// <summary>
    /// After authentication: admits a valid grant (the same staff member, the same session, a role that
    /// may view, not expired) and refuses, in this one place, every write to the portal while it lasts.
    /// Only the console (where the view is ended) and logging out stay writable.
    /// </summary>
    public static WebApplication UseViewAs(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var cookie = context.Request.Cookies[CookieName];
            if (cookie is null)
            {
                await next();
                return;
            }

            var grant = Read(context, cookie);
            if (grant is null)
            {
                End(context);
                await next();
                return;
            }

            context.Items[typeof(ViewAsGrant)] = grant;
            context.User.AddIdentity(new ClaimsIdentity([new Claim(Claim, grant.AccountId.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !StaysWritable(context.Request.Path))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                if (context.Request.Path.StartsWithSegments("/api"))
                {
                    await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Read only",
                        detail: "A staff member viewing an account as its members do cannot change anything.").ExecuteAsync(context);
                }

                return;
            }

            await next();
        });
        return app;
    }

    // The console is the staff member's own (it ends the view); /error answers the refusal re-executed with its method.
    private static bool StaysWritable(PathString path) =>
        path.StartsWithSegments("/admin") || path.StartsWithSegments("/logout") || path.StartsWithSegments("/error");

    private static ViewAsGrant? Read(HttpContext context, string cookie)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true || !user.HasClaim(IdentitySetup.StaffClaim, "true") || !MayViewAs(user))
        {
            return null;
        }

        ViewAsGrant? grant;
        try
        {
            grant = JsonSerializer.Deserialize<ViewAsGrant>(Protector(context).Unprotect(cookie));
        }
        catch (Exception e) when (e is CryptographicException or JsonException or FormatException)
        {
            return null;
        }

        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        return grant is not null
            && grant.StaffId == user.FindFirstValue(ClaimTypes.NameIdentifier)
            && grant.SessionId == SessionTicketStore.CurrentSessionId(context)
            && now < grant.ExpiresAt
            ? grant
            : null;
    }

    private static IDataProtector Protector(HttpContext context) =>
        context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
}
