using Microsoft.Extensions.Localization;

namespace Portal.Features.Disputes;

/// <summary>How a dispute's status and resolution read, and which badge they wear.</summary>
public static class DisputeText
{
    public static string Status(DisputeStatus status, DisputeResolution resolution, IStringLocalizer l) => status == DisputeStatus.Open
        ? l["Open"]
        : resolution switch
        {
            DisputeResolution.Credited => l["Credited"],
            DisputeResolution.Explained => l["Explained"],
            DisputeResolution.Rejected => l["Rejected"],
            _ => l["Resolved"],
        };

    public static string Badge(DisputeStatus status) => status == DisputeStatus.Open ? "badge badge-pending" : "badge badge-paid";
}
