namespace Portal.Features.Operator;

/// <summary>
/// The operator's feature switches, one value per switch in <see cref="OperatorSettings"/>. A page or
/// endpoint that belongs to a feature declares it (<c>[RequiresFeature]</c>); menus and tiles ask
/// <see cref="PortalFeatures.IsOn"/>, so "off" means gone everywhere and 404 on its routes.
/// </summary>
public enum PortalFeature
{
    Payments,
    Autopay,
    Usage,
    UsageExport,
    Statements,
    Contracts,
    Orders,
    Quotes,
    ServiceCalls,
    Licenses,
    RegistrationByPhone,
    ForgotPassword,
    Branches,
    Disputes,
    Exports,
}

public static class PortalFeatures
{
    /// <summary>Whether the operator has the feature switched on.</summary>
    public static bool IsOn(this OperatorSettings settings, PortalFeature feature) => feature switch
    {
        PortalFeature.Payments => settings.PaymentsEnabled,
        // Autopay charges through the payments feature, and exports come from the usage page.
        PortalFeature.Autopay => settings.PaymentsEnabled && settings.AutopayEnabled,
        PortalFeature.Usage => settings.UsageEnabled,
        PortalFeature.UsageExport => settings.UsageEnabled && settings.UsageExportEnabled,
        PortalFeature.Statements => settings.StatementsEnabled,
        PortalFeature.Contracts => settings.ContractsEnabled,
        PortalFeature.Orders => settings.OrdersEnabled,
        PortalFeature.Quotes => settings.QuotesEnabled,
        PortalFeature.ServiceCalls => settings.ServiceCallsEnabled,
        PortalFeature.Licenses => settings.LicensesEnabled,
        PortalFeature.RegistrationByPhone => settings.RegistrationByPhoneEnabled,
        PortalFeature.ForgotPassword => settings.ForgotPasswordEnabled,
        PortalFeature.Branches => settings.BranchesEnabled,
        PortalFeature.Disputes => settings.DisputesEnabled,
        PortalFeature.Exports => settings.ExportsEnabled,
        _ => throw new ArgumentOutOfRangeException(nameof(feature), feature, null),
    };

    /// <summary>Turns one switch on or off (the console's settings page and tests).</summary>
    public static void Set(this OperatorSettings settings, PortalFeature feature, bool on)
    {
        switch (feature)
        {
            case PortalFeature.Payments: settings.PaymentsEnabled = on; break;
            case PortalFeature.Autopay: settings.AutopayEnabled = on; break;
            case PortalFeature.Usage: settings.UsageEnabled = on; break;
            case PortalFeature.UsageExport: settings.UsageExportEnabled = on; break;
            case PortalFeature.Statements: settings.StatementsEnabled = on; break;
            case PortalFeature.Contracts: settings.ContractsEnabled = on; break;
            case PortalFeature.Orders: settings.OrdersEnabled = on; break;
            case PortalFeature.Quotes: settings.QuotesEnabled = on; break;
            case PortalFeature.ServiceCalls: settings.ServiceCallsEnabled = on; break;
            case PortalFeature.Licenses: settings.LicensesEnabled = on; break;
            case PortalFeature.RegistrationByPhone: settings.RegistrationByPhoneEnabled = on; break;
            case PortalFeature.ForgotPassword: settings.ForgotPasswordEnabled = on; break;
            case PortalFeature.Branches: settings.BranchesEnabled = on; break;
            case PortalFeature.Disputes: settings.DisputesEnabled = on; break;
            case PortalFeature.Exports: settings.ExportsEnabled = on; break;
            default: throw new ArgumentOutOfRangeException(nameof(feature), feature, null);
        }
    }
}
