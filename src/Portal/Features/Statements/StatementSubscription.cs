using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Accounts;
using Portal.Features.Identity;

namespace Portal.Features.Statements;

public enum StatementFrequency
{
    Monthly = 1,
    Weekly = 2,
}

/// <summary>
/// A user's wish to receive an account's statement by e-mail, monthly on a day of the month or weekly
/// on a weekday. <see cref="NextSendOn"/> (a date in the operator's zone) is what the worker looks up
/// through its index, so a pass costs the same for ten subscriptions or a hundred thousand.
/// </summary>
public sealed class StatementSubscription
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public Account? Account { get; set; }

    public required string UserId { get; set; }

    public PortalUser? User { get; set; }

    public StatementFrequency Frequency { get; set; }

    /// <summary>Monthly: the day of the month, 1 to 28 (every month has it). Weekly: the weekday, 0 (Sunday) to 6.</summary>
    public int Day { get; set; }

    public DateOnly NextSendOn { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// One statement sent for one subscription and send date: the unique row that makes a send happen
/// once however many instances run the worker, and the history the page shows.
/// </summary>
public sealed class StatementDelivery
{
    public long Id { get; set; }

    public long SubscriptionId { get; set; }

    public DateOnly SendOn { get; set; }

    public long AccountId { get; set; }

    public required string UserId { get; set; }

    public DateOnly From { get; set; }

    public DateOnly To { get; set; }

    public long? EmailMessageId { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>When a subscription's statements are due, and what range each one covers.</summary>
public static class StatementSchedule
{
    public const int LastDayOfMonth = 28;

    /// <summary>The first send date strictly after <paramref name="after"/>.</summary>
    public static DateOnly NextAfter(StatementFrequency frequency, int day, DateOnly after)
    {
        var from = after.AddDays(1);
        if (frequency == StatementFrequency.Weekly)
        {
            var ahead = ((day - (int)from.DayOfWeek) + 7) % 7;
            return from.AddDays(ahead);
        }

        var thisMonth = new DateOnly(from.Year, from.Month, day);
        return thisMonth >= from ? thisMonth : thisMonth.AddMonths(1);
    }

    /// <summary>The latest send date on or before <paramref name="today"/>: a worker that was down sends the newest statement missed, not every one.</summary>
    public static DateOnly LatestOnOrBefore(StatementFrequency frequency, int day, DateOnly today)
    {
        if (frequency == StatementFrequency.Weekly)
        {
            var back = (((int)today.DayOfWeek - day) + 7) % 7;
            return today.AddDays(-back);
        }

        var thisMonth = new DateOnly(today.Year, today.Month, day);
        return thisMonth <= today ? thisMonth : thisMonth.AddMonths(-1);
    }

    /// <summary>The range a statement sent on <paramref name="sendOn"/> covers: the month or week before it.</summary>
    public static (DateOnly From, DateOnly To) Range(StatementFrequency frequency, DateOnly sendOn) =>
        frequency == StatementFrequency.Weekly
            ? (sendOn.AddDays(-7), sendOn.AddDays(-1))
            : (sendOn.AddMonths(-1), sendOn.AddDays(-1));

    public static bool IsValidDay(StatementFrequency frequency, int day) => frequency switch
    {
        StatementFrequency.Monthly => day is >= 1 and <= LastDayOfMonth,
        StatementFrequency.Weekly => day is >= 0 and <= 6,
        _ => false,
    };
}

internal sealed class StatementSubscriptionConfiguration : IEntityTypeConfiguration<StatementSubscription>
{
    public void Configure(EntityTypeBuilder<StatementSubscription> b)
    {
        b.Property(s => s.UserId).HasMaxLength(450);
        // One subscription per user and account: choosing again changes it.
        b.HasIndex(s => new { s.UserId, s.AccountId }).IsUnique();
        // The worker's query: what is due, oldest first.
        b.HasIndex(s => new { s.NextSendOn, s.Id });
        b.HasIndex(s => s.AccountId);
        b.HasOne(s => s.Account).WithMany().HasForeignKey(s => s.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        b.ToTable(t => t.HasCheckConstraint("CK_StatementSubscriptions_Day",
            $"(\"Frequency\" = {(int)StatementFrequency.Monthly} AND \"Day\" BETWEEN 1 AND {StatementSchedule.LastDayOfMonth}) OR (\"Frequency\" = {(int)StatementFrequency.Weekly} AND \"Day\" BETWEEN 0 AND 6)"));
    }
}

internal sealed class StatementDeliveryConfiguration : IEntityTypeConfiguration<StatementDelivery>
{
    public void Configure(EntityTypeBuilder<StatementDelivery> b)
    {
        b.Property(d => d.UserId).HasMaxLength(450);
        // The claim: one statement per subscription and send date, whichever instance gets there first.
        b.HasIndex(d => new { d.SubscriptionId, d.SendOn }).IsUnique();
        b.HasIndex(d => new { d.AccountId, d.Id });
    }
}
