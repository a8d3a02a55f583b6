using System.Globalization;

namespace Portal.Features.Autopay;

/// <summary>When autopay acts, in the operator's calendar.</summary>
public static class AutopaySchedule
{
    public const int MaxRetries = 5;

    /// <summary>"1,3,7" as increasing days from 1 to 60 (at most five; empty = no retry), or null when it is not that.</summary>
    public static IReadOnlyList<int>? ParseRetryDays(string? text)
    {
        var days = new List<int>();
        foreach (var item in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var day) || day is < 1 or > 60
                || (days.Count > 0 && day <= days[^1]))
            {
                return null;
            }

            days.Add(day);
        }

        return days.Count <= MaxRetries ? days : null;
    }

    /// <summary>The start of a calendar day in the operator's zone, in UTC.</summary>
    public static DateTime StartOfDayUtc(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // A day that starts inside a DST gap starts at the first valid moment.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}
