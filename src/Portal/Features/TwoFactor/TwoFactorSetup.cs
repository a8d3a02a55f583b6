using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Portal.Features.Identity;
using Portal.Infrastructure;

namespace Portal.Features.TwoFactor;

public static class TwoFactorSetup
{
    /// <summary>Claim: the user has two-factor authentication on.</summary>
    public const string EnabledClaim = "portal:2fa";

    /// <summary>Claim, present only while the operator requires two-factor for payers: the user may pay on some account.</summary>
    public const string PayerClaim = "portal:payer";

    /// <summary>Claim: staff reset the user's two-factor, so they set it up again before anything else.</summary>
    public const string ResetClaim = "portal:2fa-reset";

    /// <summary>Where a payer without two-factor is sent while the operator requires it.</summary>
    public const string SetupPath = "/settings/two-factor";

    /// <summary>One-time authenticator codes, hashed recovery codes, and the operator's two-factor requirement.</summary>
    public static WebApplicationBuilder AddTwoFactor(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddTransient<OneTimeAuthenticatorTokenProvider>();
        services.Configure<IdentityOptions>(o =>
        {
            // Under Identity's own name too, so that no code path can reach the reusable provider.
            var descriptor = new TokenProviderDescriptor(typeof(OneTimeAuthenticatorTokenProvider));
            o.Tokens.ProviderMap[TokenOptions.DefaultAuthenticatorProvider] = descriptor;
            o.Tokens.AuthenticatorTokenProvider = TokenOptions.DefaultAuthenticatorProvider;
        });
        services.AddScoped<IUserStore<PortalUser>, PortalUserStore>();
        services.Configure<MvcOptions>(o => o.Filters.Add<TwoFactorRequirementFilter>());
        return builder;
    }
}

/// <summary>
/// While the operator requires two-factor for payers, a payer without it reaches only the two-factor
/// setup, the log-in and log-out pages. Reads claims only: no query per request.
/// </summary>
internal sealed class TwoFactorRequirementFilter(OperatorSettingsCache settings) : IAsyncPageFilter, IOrderedFilter
{
    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal)
    {
        "/Settings/TwoFactor",
        "/Settings/ConfirmEmail",
        "/Identity/Login",
        "/Identity/LoginTwoFactor",
        "/Identity/Logout",
        "/Errors/Error",
    };

    public int Order => -100;

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var user = context.HttpContext.User;
        if (!user.HasClaim(TwoFactorSetup.EnabledClaim, "true")
            && !Allowed.Contains(context.ActionDescriptor.ViewEnginePath)
            && (user.HasClaim(TwoFactorSetup.ResetClaim, "true")
                || (user.HasClaim(TwoFactorSetup.PayerClaim, "true") && (await settings.GetAsync(context.HttpContext.RequestAborted)).RequireTwoFactorForPayers)))
        {
            context.Result = new RedirectResult(TwoFactorSetup.SetupPath);
            return;
        }

        await next();
    }
}
