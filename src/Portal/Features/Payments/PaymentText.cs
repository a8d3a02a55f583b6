using Microsoft.Extensions.Localization;

namespace Portal.Features.Payments;

/// <summary>How payment methods and statuses read.</summary>
public static class PaymentText
{
    public static string Method(PaymentMethodKind method, IStringLocalizer l) => method switch
    {
        PaymentMethodKind.Card => l["Card"],
        PaymentMethodKind.BankAccount => l["Bank account"],
        PaymentMethodKind.Check => l["Check"],
        PaymentMethodKind.Cash => l["Cash"],
        PaymentMethodKind.Wire => l["Wire transfer"],
        _ => l["Other"],
    };

    public static string Status(PaymentStatus status, IStringLocalizer l) => status switch
    {
        PaymentStatus.Pending => l["Pending"],
        PaymentStatus.Succeeded => l["Succeeded"],
        PaymentStatus.Failed => l["Failed"],
        _ => l["Refunded"],
    };

    public static string Badge(PaymentStatus status) => "badge badge-" + status.ToString().ToLowerInvariant();
}
