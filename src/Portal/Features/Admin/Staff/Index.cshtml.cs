using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Admin.Users;
using Portal.Resources;

namespace Portal.Features.Admin.Staff;

/// <summary>The operator's staff: who they are, their role, two-factor and last sign-in; invite, change role, disable.</summary>
[RequiresStaffRole(StaffRole.Administrator)]
public sealed class IndexModel(PortalDb db, StaffInvitations invitations, UserAdministration administration, IStringLocalizer<SharedResource> l) : PageModel
{
    /// <summary>Staff are a handful of people; the list is bounded all the same.</summary>
    public const int MaxRows = 500;

    [BindProperty]
    public InviteInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public string? Error { get; private set; }

    public string? CurrentUserId => User.FindFirstValue(ClaimTypes.NameIdentifier);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostInviteAsync(CancellationToken ct)
    {
        var error = await invitations.InviteAsync(Input.Email, Input.Name, Input.Role, ct);
        if (error is not null)
        {
            ModelState.AddModelError("Input.Email", error);
            await LoadAsync(ct);
            return Page();
        }

        return Redirect("/admin/staff?done=invited");
    }

    public async Task<IActionResult> OnPostResendAsync(string id, CancellationToken ct) =>
        await invitations.ResendAsync(id, ct) ? Redirect("/admin/staff?done=resent") : NotFound();

    public async Task<IActionResult> OnPostRoleAsync(string id, StaffRole role, CancellationToken ct)
    {
        if (!Enum.IsDefined(role))
        {
            return await FailAsync(l["Choose a role."], ct);
        }

        return await ResultAsync(await administration.ChangeStaffRoleAsync(id, role, ct), "role", ct);
    }

    public async Task<IActionResult> OnPostDisableAsync(string id, CancellationToken ct) =>
        await ResultAsync(await StaffOnly(id, ct) ? await administration.DisableAsync(id, CurrentUserId, ct) : UserActionResult.NotFound, "disabled", ct);

    public async Task<IActionResult> OnPostEnableAsync(string id, CancellationToken ct) =>
        await ResultAsync(await StaffOnly(id, ct) ? await administration.EnableAsync(id, CurrentUserId, ct) : UserActionResult.NotFound, "enabled", ct);

    public static string RoleName(StaffRole role) => role switch
    {
        StaffRole.Administrator => "Administrator",
        _ => "Support",
    };

    private Task<bool> StaffOnly(string id, CancellationToken ct) => db.Users.AnyAsync(u => u.Id == id && u.IsStaff, ct);

    private async Task<IActionResult> ResultAsync(UserActionResult result, string done, CancellationToken ct) => result switch
    {
        UserActionResult.Done or UserActionResult.Unchanged => Redirect($"/admin/staff?done={done}"),
        UserActionResult.Yourself => await FailAsync(l["You cannot disable your own login. Ask another administrator."], ct),
        UserActionResult.LastAdministrator => await FailAsync(l["The console needs at least one enabled administrator: make someone else an administrator first."], ct),
        _ => NotFound(),
    };

    private async Task<IActionResult> FailAsync(string message, CancellationToken ct)
    {
        Error = message;
        await LoadAsync(ct);
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Rows = await db.Users.AsNoTracking()
            .Where(u => u.IsStaff)
            .OrderBy(u => u.Email)
            .Take(MaxRows)
            .Select(u => new Row(u.Id, u.Email ?? u.UserName ?? "", u.DisplayName, u.StaffRole ?? StaffRole.Administrator, u.TwoFactorEnabled, u.LastLoginAt, u.DisabledAt, u.PasswordHash == null))
            .ToListAsync(ct);
    }

    public sealed record Row(string Id, string Email, string? DisplayName, StaffRole Role, bool TwoFactor, DateTime? LastLoginAt, DateTime? DisabledAt, bool InvitationPending);

    public sealed class InviteInput
    {
        public string? Email { get; set; }

        public string? Name { get; set; }

        public StaffRole Role { get; set; } = StaffRole.Support;
    }
}
