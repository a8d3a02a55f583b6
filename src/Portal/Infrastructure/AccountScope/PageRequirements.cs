using Portal.Features.Accounts;
using Portal.Features.Operator;

namespace Portal.Infrastructure.AccountScope;

/// <summary>
/// The permission a customer page (or one of its handlers) needs on the current account. The account
/// scope filter enforces it before the handler runs: a member without it gets the "not allowed" page
/// (403), so no page checks by hand and none can forget.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
public sealed class RequiresPermissionAttribute(Permissions permission) : Attribute
{
    public Permissions Permission { get; } = permission;
}

/// <summary>
/// The operator feature switch a page (or handler) belongs to. Switched off, the page answers 404 to
/// everyone, signed in or not, as if it did not exist.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
public sealed class RequiresFeatureAttribute(PortalFeature feature) : Attribute
{
    public PortalFeature Feature { get; } = feature;
}

/// <summary>What the declared requirements say about one request.</summary>
public enum RequirementVerdict
{
    Allowed,

    /// <summary>A feature is off: the route does not exist.</summary>
    NotFound,

    /// <summary>The member lacks a declared permission on the current account.</summary>
    Forbidden,
}

/// <summary>Evaluates the declared requirements; pure, so each rule is unit-tested on its own.</summary>
public static class PageRequirements
{
    /// <param name="declared">The attributes found on the page class and the selected handler method.</param>
    /// <param name="settings">The operator's settings (feature switches).</param>
    /// <param name="account">The current account, or null on a page that runs without one (login,
    /// registration, staff): permissions then do not apply, features still do.</param>
    public static RequirementVerdict Evaluate(IEnumerable<object> declared, OperatorSettings settings, CurrentAccount? account)
    {
        var list = declared as IReadOnlyCollection<object> ?? [.. declared];
        foreach (var feature in list.OfType<RequiresFeatureAttribute>())
        {
            if (!settings.IsOn(feature.Feature))
            {
                return RequirementVerdict.NotFound;
            }
        }

        if (account is not null)
        {
            foreach (var permission in list.OfType<RequiresPermissionAttribute>())
            {
                if (!account.Can(permission.Permission))
                {
                    return RequirementVerdict.Forbidden;
                }
            }
        }

        return RequirementVerdict.Allowed;
    }
}
