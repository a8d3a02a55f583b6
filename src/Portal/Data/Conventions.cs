using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portal.Data;

/// <summary>
/// Stores a decimal as a 64-bit integer of ten-thousandths, so that both SQLite and PostgreSQL can sum,
/// compare and index it exactly. Four decimals hold every currency's minor unit (at most three) and
/// the unit prices and quantities of usage billing; a value with more decimals is refused rather than
/// silently rounded.
/// </summary>
public sealed class FixedPointConverter() : ValueConverter<decimal, long>(v => ToStored(v), v => FromStored(v))
{
    public const decimal Scale = 10_000m;

    public static long ToStored(decimal value)
    {
        var scaled = value * Scale;
        if (decimal.Truncate(scaled) != scaled)
        {
            throw new InvalidOperationException($"The value {value} has more than four decimals and cannot be stored exactly.");
        }

        return decimal.ToInt64(scaled);
    }

    public static decimal FromStored(long value) => value / Scale;
}

/// <summary>Every DateTime is UTC: written as UTC, read back with DateTimeKind.Utc.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
