using Microsoft.Extensions.Localization;

namespace Portal.Features.ServiceCalls;

/// <summary>How a service call's status and priority read, and which badge they wear.</summary>
public static class ServiceCallText
{
    public static string Status(ServiceCallStatus status, IStringLocalizer l) => status switch
    {
        ServiceCallStatus.Open => l["Open"],
        ServiceCallStatus.Scheduled => l["Scheduled"],
        ServiceCallStatus.InProgress => l["In progress"],
        ServiceCallStatus.WaitingOnCustomer => l["Waiting on you"],
        ServiceCallStatus.Resolved => l["Resolved"],
        ServiceCallStatus.Closed => l["Closed"],
        _ => l["Cancelled"],
    };

    public static string Priority(ServiceCallPriority priority, IStringLocalizer l) => priority switch
    {
        ServiceCallPriority.Low => l["Low"],
        ServiceCallPriority.Normal => l["Normal"],
        ServiceCallPriority.High => l["High"],
        _ => l["Urgent"],
    };

    public static string Badge(ServiceCallStatus status) => "badge badge-" + status switch
    {
        ServiceCallStatus.Open => "open",
        ServiceCallStatus.Scheduled or ServiceCallStatus.InProgress => "partlypaid",
        ServiceCallStatus.WaitingOnCustomer => "pending",
        ServiceCallStatus.Resolved or ServiceCallStatus.Closed => "paid",
        _ => "void",
    };

    public static string PriorityBadge(ServiceCallPriority priority) => "badge badge-" + priority switch
    {
        ServiceCallPriority.Urgent => "overdue",
        ServiceCallPriority.High => "pending",
        _ => "void",
    };
}
