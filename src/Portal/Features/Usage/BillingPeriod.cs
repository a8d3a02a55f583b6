namespace Portal.Features.Usage;

/// <summary>
/// One billing period of an account: from its bill day (local midnight in the operator's time zone)
/// up to, not including, the next bill day. <see cref="StartUtc"/>/<see cref="EndUtc"/> are the same
/// instants in UTC, what the usage table stores and is indexed by.
/// </summary>
public sealed record BillingPeriod(DateOnly Start, DateOnly End, DateTime StartUtc, DateTime EndUtc)
{
    /// <summary>The last local day of the period (inclusive), for display.</summary>
    public DateOnly LastDay => End.AddDays(-1);

    public int Days => End.DayNumber - Start.DayNumber;

    /// <summary>The UTC months the period touches, for the month-led usage index (ADR 0009).</summary>
    public int[] Months => UsageRecord.MonthsOf(StartUtc, EndUtc.AddTicks(-1));

    public bool Contains(DateOnly day) => day >= Start && day < End;

    /// <summary>The UTC instant local <paramref name="day"/> starts (for a day inside or at the end of the period).</summary>
    public static DateTime DayStartUtc(DateOnly day, TimeZoneInfo zone) => BillingPeriods.LocalMidnightToUtc(day, zone);
}

/// <summary>
/// Billing periods follow the account's bill day (1-31) in the operator's time zone. A bill day past
/// the end of a month falls on that month's last day (31 is 28 or 29 February, 30 April), and the
/// following period starts again on the bill day itself (31 March). Pure: the clock and zone come in.
/// </summary>
public static class BillingPeriods
{
    /// <summary>The date the period starts in the given month.</summary>
    public static DateOnly BillDate(int year, int month, int billDay) =>
        new(year, month, Math.Min(Math.Clamp(billDay, 1, 31), DateTime.DaysInMonth(year, month)));

    /// <summary>The period that holds local day <paramref name="day"/>.</summary>
    public static BillingPeriod Containing(DateOnly day, int billDay, TimeZoneInfo zone)
    {
        var thisMonth = BillDate(day.Year, day.Month, billDay);
        DateOnly start, end;
        if (day >= thisMonth)
        {
            start = thisMonth;
            var next = new DateOnly(day.Year, day.Month, 1).AddMonths(1);
            end = BillDate(next.Year, next.Month, billDay);
        }
        else
        {
            var previous = new DateOnly(day.Year, day.Month, 1).AddMonths(-1);
            start = BillDate(previous.Year, previous.Month, billDay);
            end = thisMonth;
        }

        return new BillingPeriod(start, end, LocalMidnightToUtc(start, zone), LocalMidnightToUtc(end, zone));
    }

    /// <summary>The period starting exactly on <paramref name="start"/>, or null when no period starts that day.</summary>
    public static BillingPeriod? StartingOn(DateOnly start, int billDay, TimeZoneInfo zone)
    {
        var period = Containing(start, billDay, zone);
        return period.Start == start ? period : null;
    }

    /// <summary>The period before <paramref name="period"/>.</summary>
    public static BillingPeriod Previous(BillingPeriod period, int billDay, TimeZoneInfo zone) =>
        Containing(period.Start.AddDays(-1), billDay, zone);

    /// <summary>
    /// The UTC instant of local midnight. Where a zone skips midnight (a DST change at 00:00, as in
    /// Santiago or Havana) the day starts at the first local time that exists.
    /// </summary>
    public static DateTime LocalMidnightToUtc(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        // An ambiguous time (clocks back at midnight) takes its first occurrence: the larger offset.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
    }
}
