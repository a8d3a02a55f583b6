namespace Portal.Infrastructure;

/// <summary>
/// The operator's local calendar. Storage is UTC; everything a person reads, and every "is it due
/// yet" decision, is in the operator's time zone.
/// </summary>
public sealed class OperatorClock(TimeProvider time, OperatorSettingsCache settings)
{
    public DateTime UtcNow => time.GetUtcNow().UtcDateTime;

    public async Task<TimeZoneInfo> ZoneAsync(CancellationToken ct = default) =>
        FindZone((await settings.GetAsync(ct)).TimeZoneId);

    public async Task<DateOnly> TodayAsync(CancellationToken ct = default) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(UtcNow, await ZoneAsync(ct)));

    public static DateTime ToLocal(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    /// <summary>How a person reads the zone: its city, then the zone's id ("New York (America/New_York)").</summary>
    public static string ZoneName(TimeZoneInfo zone)
    {
        var city = zone.Id[(zone.Id.LastIndexOf('/') + 1)..].Replace('_', ' ');
        return city == zone.Id ? zone.Id : $"{city} ({zone.Id})";
    }

    public static TimeZoneInfo FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.FindSystemTimeZoneById(OperatorDefaults.TimeZoneId);
        }
    }
}

public static class OperatorDefaults
{
    public const string TimeZoneId = "America/New_York";
    public const string Currency = "USD";
}
