using Microsoft.Extensions.Localization;

namespace Portal.Features.CallOffs;

/// <summary>How a call-off's status reads, and which badge it wears.</summary>
public static class CallOffText
{
    public static string Status(CallOffStatus status, IStringLocalizer l) => status switch
    {
        CallOffStatus.Sent => l["Sent"],
        CallOffStatus.Acknowledged => l["Acknowledged"],
        CallOffStatus.Scheduled => l["Pickup scheduled"],
        CallOffStatus.PickedUp => l["Picked up"],
        _ => l["Cancelled"],
    };

    public static string Badge(CallOffStatus status) => "badge badge-" + status switch
    {
        CallOffStatus.Sent => "pending",
        CallOffStatus.Acknowledged or CallOffStatus.Scheduled => "open",
        CallOffStatus.PickedUp => "paid",
        _ => "void",
    };
}
