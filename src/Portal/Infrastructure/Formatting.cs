using System.Globalization;

namespace Portal.Infrastructure;

/// <summary>
/// How a page shows money, dates and times: in the reader's culture and the operator's time zone.
/// Scoped per request. The settings are loaded (asynchronously) by the page filter before any view
/// renders, so formatting itself never waits on the database.
/// </summary>
public sealed class Formatting(OperatorSettingsCache settings)
{
    private TimeZoneInfo? _zone;

    public static CultureInfo Culture => CultureInfo.CurrentCulture;

    public string Money(decimal amount, string currency) => Currencies.Format(amount, currency, Culture);

    public string Money(Money money) => money.Format(Culture);

    public string Date(DateOnly date) => date.ToString("d", Culture);

    public string LongDate(DateOnly date) => date.ToString("D", Culture);

    /// <summary>A UTC instant as the operator's local date and time.</summary>
    public string DateTime(DateTime utc) => OperatorClock.ToLocal(utc, Zone()).ToString("g", Culture);

    /// <summary>A UTC instant as the operator's local date.</summary>
    public string DateOf(DateTime utc) => OperatorClock.ToLocal(utc, Zone()).ToString("d", Culture);

    /// <summary>The operator's time zone as a person reads it, said once on a page that shows times.</summary>
    public string TimeZoneName() => OperatorClock.ZoneName(Zone());

    public DateOnly LocalDate(DateTime utc) => DateOnly.FromDateTime(OperatorClock.ToLocal(utc, Zone()));

    public string Number(decimal value) => value.ToString("#,0.####", Culture);

    /// <summary>A stored phone number ("6175550101") as people write it in the operator's region ("(617) 555-0101").</summary>
    public string Phone(string? stored) => PhoneText.Format(stored, settings.Peek().Currency);

    /// <summary>A stored phone number for a tel: link (E.164).</summary>
    public string PhoneLink(string? stored) => PhoneText.Link(stored, settings.Peek().Currency);

    /// <summary>A country code ("US") in the reader's language.</summary>
    /// <summary>A branch code ("BOS") as the name the operator gave it ("Boston"); the code when it has none.</summary>
    public string Branch(string? code) => settings.Peek().BranchName(code);

    public static string Country(string? code) => RegionalFormats.CountryName(code);

    /// <summary>For machine-readable attributes such as &lt;time datetime&gt;.</summary>
    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private TimeZoneInfo Zone() =>
        _zone ??= OperatorClock.FindZone(settings.Peek().TimeZoneId);
}
