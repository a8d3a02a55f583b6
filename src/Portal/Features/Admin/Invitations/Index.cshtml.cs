using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Invitations;
using Portal.Resources;

namespace Portal.Features.Admin.Invitations;

public enum InvitationStatus
{
    Pending,
    Accepted,
    Expired,
    Revoked,
}

/// <summary>The console's invitations: invite an e-mail to an account, and follow, resend or revoke invitations.</summary>
public sealed class IndexModel(PortalDb db, InvitationService invitations, TimeProvider time, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int PageSize = 50;

    /// <summary>The permissions offered on the form, in the order shown.</summary>
    public static readonly Permissions[] Offered =
        [Permissions.View, Permissions.SeeMoney, Permissions.Pay, Permissions.Order, Permissions.Quote, Permissions.ServiceCalls, Permissions.ManageUsers];

    [BindProperty]
    public InviteInput Input { get; set; } = new();

    /// <summary>Filter: pending, accepted, expired, revoked; empty for all.</summary>
    [BindProperty(SupportsGet = true)]
    public InvitationStatus? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Account { get; set; }

    /// <summary>Keyset cursor: the smallest id of the page before.</summary>
    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public long? NextBefore { get; private set; }

    public string? Notice { get; private set; }

    public DateTime Now { get; private set; }

    public async Task OnGetAsync(string? sent, string? done)
    {
        Notice = sent is not null ? l["Invitation sent to {0}.", sent].Value : done switch
        {
            "resent" => l["A new link was sent; the old one no longer works."].Value,
            "revoked" => l["The invitation was revoked; its link no longer works."].Value,
            _ => null,
        };
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var ct = HttpContext.RequestAborted;
        var accountId = await FindAccountAsync(Input.Account, ct);
        var permissions = Input.Permissions.Aggregate(Permissions.None, (all, p) => all | p);
        InvitationResult result = accountId is long id
            ? await invitations.InviteAsync(id, Input.Email ?? "", permissions, User.FindFirstValue(ClaimTypes.NameIdentifier), ct)
            : new InvitationResult.NotFound();
        switch (result)
        {
            case InvitationResult.Success:
                return RedirectToPage(new { sent = Input.Email?.Trim() });
            case InvitationResult.Invalid invalid:
                ModelState.AddModelError(invalid.Field switch { "email" => "Input.Email", "permissions" => "Input.Permissions", _ => "" }, invalid.Message);
                break;
            default:
                ModelState.AddModelError("Input.Account", l["No account with this number or name can use the portal."]);
                break;
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostResendAsync(long id) =>
        Done(await invitations.ResendAsync(id, User.FindFirstValue(ClaimTypes.NameIdentifier), HttpContext.RequestAborted), "resent");

    public async Task<IActionResult> OnPostRevokeAsync(long id) =>
        Done(await invitations.RevokeAsync(id, User.FindFirstValue(ClaimTypes.NameIdentifier), HttpContext.RequestAborted), "revoked");

    private IActionResult Done(InvitationResult result, string what) => result switch
    {
        InvitationResult.Success => RedirectToPage(new { done = what }),
        InvitationResult.Invalid => StatusCode(StatusCodes.Status409Conflict),
        _ => NotFound(),
    };

    // An account number, or else an exact name that only one account has.
    private async Task<long?> FindAccountAsync(string? text, CancellationToken ct)
    {
        text = (text ?? "").Trim().TrimStart('#');
        if (text.Length is 0 or > 200)
        {
            return null;
        }

        var byNumber = await db.Accounts.Where(a => a.Number == text && a.PortalEnabled).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
        if (byNumber is not null)
        {
            return byNumber;
        }

        var byName = await db.Accounts.Where(a => a.Name == text && a.PortalEnabled).Select(a => a.Id).Take(2).ToListAsync(ct);
        return byName.Count == 1 ? byName[0] : null;
    }

    private async Task LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        Now = time.GetUtcNow().UtcDateTime;
        var now = Now;
        var query = db.Invitations.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Account))
        {
            var number = Account.Trim();
            query = query.Where(i => i.Account!.Number == number);
        }

        query = Status switch
        {
            InvitationStatus.Pending => query.Where(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now),
            InvitationStatus.Accepted => query.Where(i => i.AcceptedAt != null),
            InvitationStatus.Expired => query.Where(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt <= now),
            InvitationStatus.Revoked => query.Where(i => i.RevokedAt != null),
            _ => query,
        };
        if (Before is long before)
        {
            query = query.Where(i => i.Id < before);
        }

        var rows = await query.OrderByDescending(i => i.Id).Take(PageSize + 1)
            .Select(i => new Row(i.Id, i.Account!.Number, i.Account.Name, i.Email, i.Permissions, i.CreatedAt, i.SentAt, i.ExpiresAt, i.AcceptedAt, i.RevokedAt))
            .ToListAsync(ct);
        NextBefore = rows.Count > PageSize ? rows[PageSize - 1].Id : null;
        Rows = rows.Take(PageSize).ToList();
    }

    public InvitationStatus StatusOf(Row row) =>
        row.AcceptedAt is not null ? InvitationStatus.Accepted
        : row.RevokedAt is not null ? InvitationStatus.Revoked
        : row.ExpiresAt <= Now ? InvitationStatus.Expired
        : InvitationStatus.Pending;

    public sealed record Row(long Id, string AccountNumber, string AccountName, string Email, Permissions Permissions, DateTime CreatedAt, DateTime SentAt, DateTime ExpiresAt, DateTime? AcceptedAt, DateTime? RevokedAt);

    public sealed class InviteInput
    {
        public string? Account { get; set; }

        public string? Email { get; set; }

        public List<Permissions> Permissions { get; set; } = [];
    }
}
