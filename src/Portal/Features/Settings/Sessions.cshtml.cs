using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Identity;
using Portal.Features.Sessions;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Resources;

namespace Portal.Features.Settings;

/// <summary>Where the user is signed in, with sign-out per session and for all others (ASVS 7.5.2).</summary>
[WithoutAccountScope]
[IdentitySetup.AlsoForStaff]
public sealed class SessionsModel(
    SignInManager<PortalUser> signIn,
    PortalDb db,
    ActivityLog activity,
    TimeProvider time,
    IStringLocalizer<SharedResource> l) : PageModel
{
    public const int Limit = 50;

    public IReadOnlyList<SessionRow> Sessions { get; private set; } = [];

    public string? CurrentId { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var userId = signIn.UserManager.GetUserId(User)!;
        var now = time.GetUtcNow().UtcDateTime;
        var idleSince = now - SessionTicketStore.IdleTimeout;
        var oldest = now - SessionTicketStore.AbsoluteTimeout;
        CurrentId = SessionTicketStore.CurrentSessionId(HttpContext);
        Sessions = await db.UserSessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.RevokedAt == null && s.LastSeenAt > idleSince && s.CreatedAt > oldest)
            .OrderByDescending(s => s.LastSeenAt)
            .Select(s => new SessionRow(s.Id, s.Device, s.IpAddress, s.CreatedAt, s.LastSeenAt))
            .Take(Limit)
            .ToListAsync(ct);
    }

    public async Task<IActionResult> OnPostSignOutAsync(string id, CancellationToken ct)
    {
        var userId = signIn.UserManager.GetUserId(User)!;
        if (id == SessionTicketStore.CurrentSessionId(HttpContext))
        {
            activity.Record("session.signed_out", userId, detail: "this device");
            await db.SaveChangesAsync(ct);
            await signIn.SignOutAsync();
            Response.Cookies.Delete(AccountScope.CookieName);
            return Redirect("/login");
        }

        var ended = await db.RevokeSessionsAsync(s => s.Id == id && s.UserId == userId, time.GetUtcNow().UtcDateTime, ct);
        if (ended == 0)
        {
            return NotFound();
        }

        activity.Record("session.signed_out", userId, detail: "another device");
        await db.SaveChangesAsync(ct);
        TempData["Settings.Status"] = l["That session is signed out."].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostSignOutOthersAsync(CancellationToken ct)
    {
        var userId = signIn.UserManager.GetUserId(User)!;
        var ended = await db.RevokeOtherSessionsAsync(userId, SessionTicketStore.CurrentSessionId(HttpContext), time.GetUtcNow().UtcDateTime, ct);
        activity.Record("session.signed_out_others", userId, detail: ended.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await db.SaveChangesAsync(ct);
        TempData["Settings.Status"] = l["Every other session is signed out."].Value;
        return RedirectToPage();
    }

    public sealed record SessionRow(string Id, string? Device, string? IpAddress, DateTime CreatedAt, DateTime LastSeenAt);
}
