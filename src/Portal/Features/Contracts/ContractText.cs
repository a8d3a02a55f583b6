using Microsoft.Extensions.Localization;

namespace Portal.Features.Contracts;

/// <summary>How a contract's status and an item's rate read, and which badge the status wears.</summary>
public static class ContractText
{
    public static string Status(ContractStatus status, IStringLocalizer l) => status switch
    {
        ContractStatus.Reserved => l["Reservation"],
        ContractStatus.Open => l["Open"],
        ContractStatus.Closed => l["Closed"],
        _ => l["Cancelled"],
    };

    public static string Badge(ContractStatus status) => "badge badge-" + status switch
    {
        ContractStatus.Reserved => "pending",
        ContractStatus.Open => "open",
        ContractStatus.Closed => "paid",
        _ => "void",
    };

    /// <summary>"per day", "per week", ...: the billing system sends the period as a word; unknown ones are shown as sent.</summary>
    public static string Period(string? period, IStringLocalizer l) => period?.Trim().ToLowerInvariant() switch
    {
        null or "" => "",
        "hour" or "hourly" => l["per hour"],
        "day" or "daily" => l["per day"],
        "week" or "weekly" => l["per week"],
        "4 weeks" or "4weeks" or "four weeks" => l["per 4 weeks"],
        "month" or "monthly" => l["per month"],
        _ => "/ " + period,
    };
}
