using PhoneNumbers;

namespace Portal.Infrastructure;

/// <summary>
/// Phone numbers as people write them: stored as digits ("6175550101"), shown in the operator's region's
/// national format ("(617) 555-0101") and in international format when from another country.
/// </summary>
public static class PhoneText
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>The number for reading; what cannot be parsed shows as stored rather than nothing.</summary>
    public static string Format(string? stored, string? operatorCurrency)
    {
        if (string.IsNullOrWhiteSpace(stored))
        {
            return "";
        }

        var region = RegionalFormats.RegionOf(operatorCurrency) ?? "US";
        try
        {
            var number = Util.Parse(stored, region);
            if (!Util.IsPossibleNumber(number))
            {
                return stored;
            }

            var own = Util.GetRegionCodeForNumber(number) == region;
            return Util.Format(number, own ? PhoneNumberFormat.NATIONAL : PhoneNumberFormat.INTERNATIONAL);
        }
        catch (NumberParseException)
        {
            return stored;
        }
    }

    /// <summary>The number for a tel: link (E.164), or the stored digits when it cannot be parsed.</summary>
    public static string Link(string? stored, string? operatorCurrency)
    {
        if (string.IsNullOrWhiteSpace(stored))
        {
            return "";
        }

        try
        {
            return Util.Format(Util.Parse(stored, RegionalFormats.RegionOf(operatorCurrency) ?? "US"), PhoneNumberFormat.E164);
        }
        catch (NumberParseException)
        {
            return stored;
        }
    }
}
