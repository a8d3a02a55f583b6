using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Portal.Features.Identity;
using Portal.Infrastructure;

namespace Portal.Features.Admin.Staff;

/// <summary>What a staff member may do in the console. Stored on the user; a higher value includes the lower.</summary>
public enum StaffRole
{
    /// <summary>Reads everything; invites, resends, unlocks and answers requests. Changes no setting, switch, key, webhook or staff.</summary>
    Support = 1,

    /// <summary>Everything.</summary>
    Administrator = 2,
}

/// <summary>
/// The staff role a console page (or one of its handlers) needs. One filter enforces it before the
/// handler runs: a staff member with a lesser role gets the "not allowed" page (403). Pages without
/// the attribute are open to every staff role.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
public sealed class RequiresStaffRoleAttribute(StaffRole role) : Attribute
{
    public StaffRole Role { get; } = role;
}

public static class StaffRoles
{
    /// <summary>Claim holding the staff member's role (<see cref="StaffRole"/> by name).</summary>
    public const string Claim = "portal:staff-role";

    /// <summary>The role in the user's claims; null for a customer (or a principal without the claim).</summary>
    public static StaffRole? RoleOf(ClaimsPrincipal user) =>
        user.HasClaim(IdentitySetup.StaffClaim, "true") && Enum.TryParse<StaffRole>(user.FindFirstValue(Claim), out var role) && Enum.IsDefined(role)
            ? role
            : null;

    /// <summary>Whether the staff member holds <paramref name="role"/> (administrators hold every role).</summary>
    public static bool Has(this ClaimsPrincipal user, StaffRole role) => RoleOf(user) is { } held && held >= role;

    /// <summary>Evaluates the declared roles against the held one; pure, so it is unit-tested on its own.</summary>
    public static bool Allows(IEnumerable<object> declared, StaffRole? held) =>
        declared.OfType<RequiresStaffRoleAttribute>().All(r => held is { } h && h >= r.Role);

    /// <summary>Staff roles on console pages, and the two-factor requirement for staff.</summary>
    public static WebApplicationBuilder AddStaffAdministration(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<StaffInvitations>();
        builder.Services.AddScoped<Users.UserAdministration>();
        builder.Services.Configure<MvcOptions>(o =>
        {
            o.Filters.Add<StaffRoleFilter>();
            o.Filters.Add<StaffTwoFactorFilter>();
        });
        return builder;
    }
}

/// <summary>Enforces <see cref="RequiresStaffRoleAttribute"/> on the page class and the selected handler.</summary>
internal sealed class StaffRoleFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var declared = context.ActionDescriptor.EndpointMetadata.OfType<RequiresStaffRoleAttribute>().Cast<object>().ToList();
        if (context.HandlerMethod?.MethodInfo is { } method)
        {
            declared.AddRange(method.GetCustomAttributes(typeof(RequiresStaffRoleAttribute), inherit: true));
        }

        if (declared.Count > 0 && !StaffRoles.Allows(declared, StaffRoles.RoleOf(context.HttpContext.User)))
        {
            context.Result = new StatusCodeResult(StatusCodes.Status403Forbidden);
            return;
        }

        await next();
    }
}

/// <summary>
/// While the operator requires two-factor for staff, a staff member without it is sent to set it up
/// before any console page. Reads claims only (rebuilt at every stamp check and sign-in).
/// </summary>
internal sealed class StaffTwoFactorFilter(OperatorSettingsCache settings) : IAsyncPageFilter, IOrderedFilter
{
    public int Order => -100;

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var user = context.HttpContext.User;
        if (user.HasClaim(IdentitySetup.StaffClaim, "true")
            && !user.HasClaim(TwoFactor.TwoFactorSetup.EnabledClaim, "true")
            && context.ActionDescriptor.ViewEnginePath.StartsWith("/Admin/", StringComparison.Ordinal)
            && (await settings.GetAsync(context.HttpContext.RequestAborted)).RequireTwoFactorForStaff)
        {
            context.Result = new RedirectResult(TwoFactor.TwoFactorSetup.SetupPath);
            return;
        }

        await next();
    }
}
