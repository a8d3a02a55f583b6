using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.TwoFactor;
using Portal.Infrastructure;

namespace Portal.Features.Identity;

/// <summary>Adds what every request needs to know about the user without asking the database.</summary>
internal sealed class PortalClaimsFactory(
    UserManager<PortalUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<IdentityOptions> options,
    PortalDb db,
    OperatorSettingsCache settings)
    : UserClaimsPrincipalFactory<PortalUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.IsStaff)
        {
            identity.AddClaim(new Claim(IdentitySetup.StaffClaim, "true"));
            // Staff from before roles existed keep what they could do: everything.
            identity.AddClaim(new Claim(Admin.Staff.StaffRoles.Claim, (user.StaffRole ?? Admin.Staff.StaffRole.Administrator).ToString()));
        }

        if (!string.IsNullOrEmpty(user.DisplayName))
        {
            identity.AddClaim(new Claim(ClaimTypes.GivenName, user.DisplayName));
        }

        // The two-factor requirement for payers is checked on every page from these two claims; they
        // are rebuilt when the security stamp is validated (every minute) and on every sign-in.
        if (user.TwoFactorEnabled)
        {
            identity.AddClaim(new Claim(TwoFactorSetup.EnabledClaim, "true"));
        }
        else if (user.MustSetUpTwoFactor)
        {
            identity.AddClaim(new Claim(TwoFactorSetup.ResetClaim, "true"));
        }
        else if (!user.IsStaff && (await settings.GetAsync()).RequireTwoFactorForPayers
            && await db.Memberships.AnyAsync(m => m.UserId == user.Id && (m.Permissions & Permissions.Pay) == Permissions.Pay))
        {
            identity.AddClaim(new Claim(TwoFactorSetup.PayerClaim, "true"));
        }

        return identity;
    }
}
