using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Portal.Features.Identity;

namespace Portal.Infrastructure.AccountScope;

/// <summary>
/// Runs before every customer page: resolves the current account once, makes it available to the
/// page and the layout, and sends a user with no account to a page that says so.
/// </summary>
internal sealed class AccountScopeFilter(AccountScope scope, OperatorSettingsCache settings) : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        // Every page renders with the operator's settings (brand, time zone, features): load them
        // here, asynchronously, so that no view has to.
        var operatorSettings = await settings.GetAsync(context.HttpContext.RequestAborted);
        context.HttpContext.Items[typeof(Features.Operator.OperatorSettings)] = operatorSettings;
        var declared = Declared(context);
        var user = context.HttpContext.User;
        // Default on: every page outside the admin console is scoped, unless it says it is not.
        var isCustomerPage = !context.ActionDescriptor.EndpointMetadata.OfType<WithoutAccountScopeAttribute>().Any()
            && !context.ActionDescriptor.ViewEnginePath.StartsWith("/Admin/", StringComparison.Ordinal);
        var viewAs = context.HttpContext.ViewAsGrant();
        if (viewAs is not null && !isCustomerPage && !context.ActionDescriptor.ViewEnginePath.StartsWith("/Admin/", StringComparison.Ordinal)
            && !context.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
        {
            // Staff viewing an account see its pages, never a user's own ones (settings, security, the account picker).
            context.Result = new NotFoundResult();
            return;
        }

        if (isCustomerPage && user.Identity?.IsAuthenticated == true && (viewAs is not null || !user.HasClaim(IdentitySetup.StaffClaim, "true")))
        {
            var current = await scope.GetCurrentAsync(context.HttpContext.RequestAborted);
            if (current is null)
            {
                context.Result = new RedirectResult("/accounts/none");
                return;
            }

            context.HttpContext.Items[typeof(CurrentAccount)] = current;
        }

        // Features first: a switched-off feature is not there at all, for anyone.
        switch (PageRequirements.Evaluate(declared, operatorSettings, context.HttpContext.CurrentAccountOrNull()))
        {
            case RequirementVerdict.NotFound:
                context.Result = new NotFoundResult();
                return;
            case RequirementVerdict.Forbidden:
                context.Result = new StatusCodeResult(StatusCodes.Status403Forbidden);
                return;
        }

        await next();
    }

    /// <summary>The requirement attributes of the page class and of the handler that will run.</summary>
    private static List<object> Declared(PageHandlerExecutingContext context)
    {
        var declared = context.ActionDescriptor.EndpointMetadata
            .Where(m => m is RequiresPermissionAttribute or RequiresFeatureAttribute).ToList();
        if (context.HandlerMethod?.MethodInfo is { } method)
        {
            declared.AddRange(method.GetCustomAttributes(inherit: true).Where(m => m is RequiresPermissionAttribute or RequiresFeatureAttribute));
        }

        return declared;
    }
}

/// <summary>
/// A signed-in page that shows no account's data (log in, account picker, personal settings), so it
/// runs without a current account. Every other customer page is behind the guard.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class WithoutAccountScopeAttribute : Attribute;

public static class AccountScopeHttpContextExtensions
{
    /// <summary>The current account of a customer page (set by the guard before the handler runs).</summary>
    public static CurrentAccount CurrentAccount(this HttpContext context) =>
        context.Items[typeof(CurrentAccount)] as CurrentAccount
        ?? throw new InvalidOperationException("This page runs without the account scope guard ([WithoutAccountScope]).");

    public static CurrentAccount? CurrentAccountOrNull(this HttpContext context) =>
        context.Items[typeof(CurrentAccount)] as CurrentAccount;
}
