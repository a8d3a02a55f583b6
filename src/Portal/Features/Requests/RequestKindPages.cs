using Portal.Features.Operator;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Requests;

/// <summary>
/// Each kind of request's own page, whose declared feature and permission are what anything showing
/// that kind elsewhere (the /requests list, a file attached to it) must ask too, so a member who
/// cannot open a service call cannot reach it sideways either.
/// </summary>
public static class RequestKindPages
{
    public static Type DetailsPage(RequestKind kind) => kind switch
    {
        RequestKind.ServiceCall => typeof(ServiceCalls.DetailsModel),
        RequestKind.Dispute => typeof(Disputes.DetailsModel),
        RequestKind.QuoteRequest => typeof(Quotes.DetailsModel),
        RequestKind.CallOff => typeof(CallOffs.DetailsModel),
        _ => typeof(Orders.DetailsModel),
    };

    /// <summary>What the kind's page class declares (its handlers' own extra requirements are theirs).</summary>
    public static IReadOnlyList<object> Declared(RequestKind kind) =>
        DetailsPage(kind).GetCustomAttributes(inherit: true).Where(a => a is RequiresPermissionAttribute or RequiresFeatureAttribute).ToList();

    /// <summary>The verdict of the kind's page for the current account: allowed, not found (feature off) or forbidden.</summary>
    public static RequirementVerdict Evaluate(RequestKind kind, OperatorSettings settings, CurrentAccount? account) =>
        PageRequirements.Evaluate(Declared(kind), settings, account);
}
