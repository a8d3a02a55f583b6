using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Invitations;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Paging;

namespace Portal.Features.Users;

/// <summary>
/// The company's users, for its own user administrators: who may act for the current account and what
/// they may do, invitations of colleagues, and taking a leaver's access away. The rules (no permission
/// beyond the actor's own, never without a user administrator) live in <see cref="AccountUsers"/> and
/// <see cref="InvitationService"/>; this page maps their answers to form errors.
/// </summary>
[RequiresPermission(Permissions.ManageUsers)]
public sealed class IndexModel(PortalDb db, AccountUsers users, InvitationService invitations, TimeProvider time) : PageModel
{
    public const int PageSize = 50;

    /// <summary>Pending invitations of one account are few; past this many the oldest are not shown.</summary>
    public const int MaxInvitations = 100;

    private const string Sort = "email";

    [BindProperty]
    public InviteInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    /// <summary>What the last POST did, shown once after its redirect.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public KeysetPage<MemberRow> Members { get; private set; } = new([], null, null, false);

    public IReadOnlyList<InvitationRow> Pending { get; private set; } = [];

    /// <summary>A refused change to one member or invitation, shown above the list.</summary>
    public string? RowError { get; private set; }

    /// <summary>The member the refused change was about, so that their form shows it.</summary>
    public long? RowErrorMembership { get; private set; }

    public CurrentAccount Account => HttpContext.CurrentAccount();

    private string? UserId => User.FindFirstValue(ClaimTypes.NameIdentifier);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostInviteAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }

        var wanted = Input.Permissions.Aggregate(Permissions.None, (all, p) => all | p);
        var result = await invitations.InviteAsync(Account.Id, Input.Email ?? "", wanted, UserId, ct, inviterHolds: Account.Permissions);
        switch (result)
        {
            case InvitationResult.Success:
                return Redirect("/users?done=invited");
            case InvitationResult.Invalid invalid:
                ModelState.AddModelError(invalid.Field == "permissions" ? "Input.Permissions" : "Input.Email", invalid.Message);
                await LoadAsync(ct);
                return Page();
            default:
                return NotFound();
        }
    }

    public async Task<IActionResult> OnPostPermissionsAsync(long membershipId, List<Permissions> permissions, CancellationToken ct)
    {
        var wanted = permissions.Aggregate(Permissions.None, (all, p) => all | p);
        var result = await users.ChangePermissionsAsync(Account.Id, membershipId, wanted, Account.Permissions, UserId, ct);
        return await AnswerAsync(result, membershipId, "permissions", ct);
    }

    public async Task<IActionResult> OnPostRemoveAsync(long membershipId, CancellationToken ct)
    {
        var result = await users.RemoveAsync(Account.Id, membershipId, UserId, ct);
        return await AnswerAsync(result, membershipId, "removed", ct);
    }

    public async Task<IActionResult> OnPostResendAsync(long invitationId, CancellationToken ct) =>
        await AnswerAsync(await invitations.ResendAsync(invitationId, UserId, ct, Account.Id), "resent", ct);

    public async Task<IActionResult> OnPostRevokeAsync(long invitationId, CancellationToken ct) =>
        await AnswerAsync(await invitations.RevokeAsync(invitationId, UserId, ct, Account.Id), "revoked", ct);

    public bool IsYou(MemberRow row) => row.UserId == UserId;

    private async Task<IActionResult> AnswerAsync(AccountUserResult result, long membershipId, string done, CancellationToken ct)
    {
        switch (result)
        {
            case AccountUserResult.Success:
                return Redirect("/users?done=" + done);
            case AccountUserResult.Invalid invalid:
                RowError = invalid.Message;
                RowErrorMembership = membershipId;
                await LoadAsync(ct);
                return Page();
            default:
                return NotFound();
        }
    }

    private async Task<IActionResult> AnswerAsync(InvitationResult result, string done, CancellationToken ct)
    {
        switch (result)
        {
            case InvitationResult.Success:
                return Redirect("/users?done=" + done);
            case InvitationResult.Invalid invalid:
                RowError = invalid.Message;
                await LoadAsync(ct);
                return Page();
            default:
                return NotFound();
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var accountId = Account.Id;
        Members = await Keyset.ReadAsync(
            db.Memberships.AsNoTracking().Where(m => m.AccountId == accountId),
            Sort,
            m => m.User!.NormalizedEmail!,
            m => m.Id,
            descending: false,
            After,
            m => new MemberRow(m.Id, m.UserId, m.User!.Email ?? m.User.UserName ?? "", m.User.NormalizedEmail ?? "", m.User.DisplayName, m.Permissions, m.User.LastLoginAt),
            row => (row.NormalizedEmail, row.Id),
            PageSize,
            ct);
        var now = time.GetUtcNow().UtcDateTime;
        Pending = await db.Invitations.AsNoTracking()
            .Where(i => i.AccountId == accountId && i.AcceptedAt == null && i.RevokedAt == null)
            .OrderByDescending(i => i.Id)
            .Take(MaxInvitations)
            .Select(i => new InvitationRow(i.Id, i.Email, i.Permissions, i.SentAt, i.ExpiresAt, i.ExpiresAt <= now))
            .ToListAsync(ct);
    }

    public sealed class InviteInput
    {
        [Required(ErrorMessage = "Enter a valid e-mail address.")]
        [StringLength(256)]
        [Display(Name = "E-mail address")]
        public string? Email { get; set; }

        public List<Permissions> Permissions { get; set; } = [];
    }

    public sealed record MemberRow(long Id, string UserId, string Email, string NormalizedEmail, string? DisplayName, Permissions Permissions, DateTime? LastLoginAt)
    {
        public bool Has(Permissions permission) => (Permissions & permission) == permission;
    }

    public sealed record InvitationRow(long Id, string Email, Permissions Permissions, DateTime SentAt, DateTime ExpiresAt, bool Expired);
}
