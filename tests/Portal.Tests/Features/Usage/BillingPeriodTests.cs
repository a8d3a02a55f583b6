using Portal.Features.Usage;

namespace Portal.Tests.Features.Usage;

public sealed class BillingPeriodTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;

    [Theory]
    [InlineData("2026-11-14", 15, "2026-10-15", "2026-11-15")]
    [InlineData("2026-11-15", 15, "2026-11-15", "2026-12-15")]
    [InlineData("2026-11-16", 15, "2026-11-15", "2026-12-15")]
    [InlineData("2026-12-31", 1, "2026-12-01", "2027-01-01")]
    [InlineData("2027-01-01", 1, "2027-01-01", "2027-02-01")]
    [InlineData("2026-12-20", 20, "2026-12-20", "2027-01-20")]
    [InlineData("2027-01-19", 20, "2026-12-20", "2027-01-20")]
    public void A_period_runs_from_the_bill_day_up_to_the_next(string day, int billDay, string start, string end)
    {
        var period = BillingPeriods.Containing(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), billDay, Utc);

        Assert.Equal(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), period.Start);
        Assert.Equal(DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture), period.End);
    }

    [Theory]
    [InlineData("2027-02-27", "2027-01-31", "2027-02-28")]
    [InlineData("2027-02-28", "2027-02-28", "2027-03-31")]
    [InlineData("2027-03-30", "2027-02-28", "2027-03-31")]
    [InlineData("2027-03-31", "2027-03-31", "2027-04-30")]
    [InlineData("2027-04-30", "2027-04-30", "2027-05-31")]
    [InlineData("2028-02-28", "2028-01-31", "2028-02-29")]
    [InlineData("2028-02-29", "2028-02-29", "2028-03-31")]
    public void A_bill_day_of_31_falls_on_the_last_day_of_short_months_and_comes_back_to_31(string day, string start, string end)
    {
        var period = BillingPeriods.Containing(DateOnly.ParseExact(day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), 31, Utc);

        Assert.Equal(DateOnly.ParseExact(start, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), period.Start);
        Assert.Equal(DateOnly.ParseExact(end, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), period.End);
    }

    [Fact]
    public void Consecutive_periods_touch_without_gap_or_overlap_for_every_bill_day_over_four_years()
    {
        for (var billDay = 1; billDay <= 31; billDay++)
        {
            var period = BillingPeriods.Containing(new DateOnly(2025, 1, 15), billDay, NewYork);
            for (var i = 0; i < 48; i++)
            {
                var next = BillingPeriods.Containing(period.End, billDay, NewYork);
                Assert.Equal(period.End, next.Start);
                Assert.Equal(period.EndUtc, next.StartUtc);
                Assert.Equal(period, BillingPeriods.Previous(next, billDay, NewYork));
                Assert.Equal(period, BillingPeriods.StartingOn(period.Start, billDay, NewYork));
                Assert.InRange(period.Days, 28, 31);
                period = next;
            }
        }
    }

    [Fact]
    public void A_day_that_is_not_a_bill_day_starts_no_period()
    {
        Assert.Null(BillingPeriods.StartingOn(new DateOnly(2026, 11, 16), 15, NewYork));
        Assert.NotNull(BillingPeriods.StartingOn(new DateOnly(2026, 11, 15), 15, NewYork));
    }

    [Fact]
    public void Bounds_are_local_midnight_in_the_operators_zone_across_a_daylight_saving_change()
    {
        // New York leaves daylight saving time on 2026-11-01: the period starts at 04:00 UTC (EDT, -4)
        // and ends at 05:00 UTC (EST, -5); it is one hour longer than 31 days.
        var period = BillingPeriods.Containing(new DateOnly(2026, 10, 20), 15, NewYork);

        Assert.Equal(new DateTime(2026, 10, 15, 4, 0, 0, DateTimeKind.Utc), period.StartUtc);
        Assert.Equal(new DateTime(2026, 11, 15, 5, 0, 0, DateTimeKind.Utc), period.EndUtc);
        Assert.Equal(TimeSpan.FromDays(31) + TimeSpan.FromHours(1), period.EndUtc - period.StartUtc);
        Assert.Equal(DateTimeKind.Utc, period.StartUtc.Kind);

        // Spring forward on 2027-03-14: 23 hours that day; the day after starts at 04:00 UTC again.
        Assert.Equal(new DateTime(2027, 3, 14, 5, 0, 0, DateTimeKind.Utc), BillingPeriod.DayStartUtc(new DateOnly(2027, 3, 14), NewYork));
        Assert.Equal(new DateTime(2027, 3, 15, 4, 0, 0, DateTimeKind.Utc), BillingPeriod.DayStartUtc(new DateOnly(2027, 3, 15), NewYork));
    }

    [Fact]
    public void A_zone_that_skips_midnight_starts_the_day_at_its_first_existing_time()
    {
        // Santiago moves clocks from 00:00 to 01:00 on the first Sunday of September (2026-09-06).
        var santiago = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");
        var start = BillingPeriods.LocalMidnightToUtc(new DateOnly(2026, 9, 6), santiago);

        Assert.Equal(new DateTime(2026, 9, 6, 4, 0, 0, DateTimeKind.Utc), start);
    }

    [Fact]
    public void The_months_of_a_period_are_its_utc_months()
    {
        // Local midnight of 1 December in New York is 05:00 UTC on 1 December: one UTC month only.
        var december = BillingPeriods.Containing(new DateOnly(2026, 12, 10), 1, NewYork);
        Assert.Equal([202612, 202701], december.Months); // ends at 2027-01-01 05:00 UTC, after New Year in UTC

        var mid = BillingPeriods.Containing(new DateOnly(2026, 11, 20), 15, Utc);
        Assert.Equal([202611, 202612], mid.Months);

        var whole = BillingPeriods.Containing(new DateOnly(2026, 11, 20), 1, Utc);
        Assert.Equal([202611], whole.Months);
    }
}
