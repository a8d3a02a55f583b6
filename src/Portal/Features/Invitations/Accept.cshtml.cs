using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Identity;
using Portal.Infrastructure.AccountScope;
using Portal.Resources;

namespace Portal.Features.Invitations;

public enum AcceptMode
{
    /// <summary>No login has the invited e-mail: the form creates one.</summary>
    NewUser,

    /// <summary>The invited login exists but is not signed in here: log in first, then come back.</summary>
    LogInFirst,

    /// <summary>Signed in as the invited login: one button adds the account.</summary>
    Join,

    /// <summary>Signed in as someone else.</summary>
    OtherUser,
}

[AllowAnonymous]
[WithoutAccountScope]
public sealed class AcceptModel(
    InvitationService invitations,
    UserManager<PortalUser> users,
    SignInManager<PortalUser> signIn,
    PortalDb db,
    TimeProvider time,
    IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public AcceptInput Input { get; set; } = new();

    public LinkState State { get; private set; }

    public AcceptMode Mode { get; private set; }

    public Invitation? Invitation { get; private set; }

    /// <summary>Why the link cannot be used, for a person.</summary>
    public string? Problem { get; private set; }

    /// <summary>What happened, after joining as an existing login.</summary>
    public string? Done { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync() || Mode != AcceptMode.NewUser)
        {
            return Page();
        }

        var name = (Input.Name ?? "").Trim();
        if (name.Length is 0 or > 200)
        {
            ModelState.AddModelError("Input.Name", l["Enter your name."]);
        }

        if (string.IsNullOrEmpty(Input.Password) || Input.Password.Length < 8)
        {
            ModelState.AddModelError("Input.Password", l["Use at least {0} characters.", 8]);
        }
        else if (Input.Password != Input.ConfirmPassword)
        {
            ModelState.AddModelError("Input.ConfirmPassword", l["The two passwords are not the same."]);
        }

        if (ModelState.ErrorCount > 0)
        {
            return Page();
        }

        var ct = HttpContext.RequestAborted;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Accepting proves the e-mail address: the link reached it.
        var user = new PortalUser { UserName = Invitation!.Email, Email = Invitation.Email, EmailConfirmed = true, DisplayName = name, CreatedAt = time.GetUtcNow().UtcDateTime };
        var created = await users.CreateAsync(user, Input.Password!);
        if (!created.Succeeded)
        {
            foreach (var error in created.Errors)
            {
                ModelState.AddModelError("Input.Password", error.Description);
            }

            return Page();
        }

        if (await invitations.AcceptAsync(Invitation.Id, user, ct) is null)
        {
            await tx.RollbackAsync(ct);
            return await FailAsync(LinkState.Used);
        }

        await tx.CommitAsync(ct);
        await signIn.SignInAsync(user, isPersistent: false);
        return Redirect("/");
    }

    public async Task<IActionResult> OnPostJoinAsync()
    {
        if (!await LoadAsync() || Mode != AcceptMode.Join)
        {
            return Page();
        }

        var user = await users.GetUserAsync(User);
        var existed = user is null ? null : await invitations.AcceptAsync(Invitation!.Id, user, HttpContext.RequestAborted);
        if (existed is null)
        {
            return await FailAsync(LinkState.Used);
        }

        var account = $"{Invitation!.Account!.Name} ({Invitation.Account.Number})";
        Done = existed.Value
            ? l["You already had access to {0}. Your permissions there are unchanged; a user administrator of the account can change them.", account]
            : l["You now have access to {0}.", account];
        return Page();
    }

    // False when the link cannot be used; the page then shows why, and the attempt is in the trail.
    private async Task<bool> LoadAsync()
    {
        var ct = HttpContext.RequestAborted;
        var (state, invitation) = await invitations.CheckAsync(Token, ct);
        Invitation = invitation;
        if (state != LinkState.Valid)
        {
            await FailAsync(state);
            return false;
        }

        State = LinkState.Valid;
        var existing = await users.FindByEmailAsync(invitation!.Email);
        var signedInId = User.FindFirstValue(ClaimTypes.NameIdentifier);
        Mode = signedInId is not null
            ? existing is not null && existing.Id == signedInId ? AcceptMode.Join : AcceptMode.OtherUser
            : existing is null ? AcceptMode.NewUser : AcceptMode.LogInFirst;
        return true;
    }

    private async Task<IActionResult> FailAsync(LinkState state)
    {
        State = state;
        Problem = state switch
        {
            LinkState.Expired => l["This invitation has expired. Ask the person who invited you to send it again."],
            LinkState.Used => l["This invitation was already accepted. Log in with your e-mail address and password."],
            LinkState.Revoked => l["This invitation was withdrawn. Ask the person who invited you if you still need access."],
            _ => l["This invitation link is not valid. Check that you opened the whole link from the e-mail, or ask for a new invitation."],
        };
        // Only real attempts go to the trail: a bare page load carries no token at all, and anyone
        // could fill the trail by loading the URL.
        if (!string.IsNullOrWhiteSpace(Token))
        {
            await invitations.RecordFailureAsync(state, Invitation, HttpContext.RequestAborted);
        }

        return Page();
    }

    public sealed class AcceptInput
    {
        public string? Name { get; set; }

        public string? Password { get; set; }

        public string? ConfirmPassword { get; set; }
    }
}
