using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Portal.Infrastructure;

/// <summary>An exact amount of one currency. Amounts of different currencies are never combined.</summary>
public readonly record struct Money(decimal Amount, string Currency)
{
    public static Money Zero(string currency) => new(0m, currency);

    public static Money operator +(Money a, Money b) => new(a.Amount + b.Amount, SameCurrency(a, b));

    public static Money operator -(Money a, Money b) => new(a.Amount - b.Amount, SameCurrency(a, b));

    public bool IsZero => Amount == 0m;

    public bool IsPositive => Amount > 0m;

    /// <summary>Rounds to the currency's minor unit (2 decimals for USD, 0 for JPY), half away from zero.</summary>
    public Money RoundToMinorUnit() =>
        new(Math.Round(Amount, Currencies.Exponent(Currency), MidpointRounding.AwayFromZero), Currency);

    /// <summary>Formats for the given culture, with the currency's own symbol and number of decimals.</summary>
    public string Format(CultureInfo culture) => Currencies.Format(Amount, Currency, culture);

    public override string ToString() => Format(CultureInfo.InvariantCulture);

    private static string SameCurrency(Money a, Money b) =>
        string.Equals(a.Currency, b.Currency, StringComparison.Ordinal)
            ? a.Currency
            : throw new InvalidOperationException($"Cannot combine {a.Currency} with {b.Currency}.");
}

/// <summary>ISO 4217 facts the portal needs: which codes it accepts and how many decimals each has.</summary>
public static class Currencies
{
    // The minor-unit exponents of the currencies an operator is likely to bill in. A code not listed
    // here is refused at the boundary rather than guessed at.
    private static readonly Dictionary<string, (int Exponent, string Symbol)> Known = new(StringComparer.Ordinal)
    {
        ["USD"] = (2, "$"),
        ["CAD"] = (2, "CA$"),
        ["EUR"] = (2, "€"),
        ["GBP"] = (2, "£"),
        ["AUD"] = (2, "A$"),
        ["NZD"] = (2, "NZ$"),
        ["CHF"] = (2, "CHF"),
        ["SEK"] = (2, "kr"),
        ["NOK"] = (2, "kr"),
        ["DKK"] = (2, "kr."),
        ["MXN"] = (2, "MX$"),
        ["BRL"] = (2, "R$"),
        ["ZAR"] = (2, "R"),
        ["INR"] = (2, "₹"),
        ["SGD"] = (2, "S$"),
        ["HKD"] = (2, "HK$"),
        ["PLN"] = (2, "zł"),
        ["CZK"] = (2, "Kč"),
        ["JPY"] = (0, "¥"),
        ["KRW"] = (0, "₩"),
        ["BHD"] = (3, "BD"),
        ["KWD"] = (3, "KD"),
    };

    public static bool IsKnown(string? code) => code is not null && Known.ContainsKey(code);

    public static int Exponent(string code) =>
        Known.TryGetValue(code, out var info) ? info.Exponent : throw new ArgumentException($"Unknown currency '{code}'.", nameof(code));

    /// <summary>True when the amount has no more decimals than the currency's minor unit allows.</summary>
    public static bool FitsMinorUnit(decimal amount, string code) =>
        decimal.Round(amount, Exponent(code)) == amount;

    public static string Format(decimal amount, string code, CultureInfo culture) =>
        amount.ToString("C", NumberFormat(code, culture));

    // The formats made for each read-only culture (the request cultures are cached, read-only ones), per currency
    // code: a page of 100 statement lines formats 300 amounts, and cloning the culture's number format for each
    // was two fifths of the statement view's CPU (docs/performance.md). Weak on the culture, so a culture that is
    // collected takes its entries with it. A culture that can still change is never cached: its format is made afresh.
    private static readonly ConditionalWeakTable<CultureInfo, ConcurrentDictionary<string, NumberFormatInfo>> Formats = [];

    /// <summary>
    /// The culture's number format with the currency's symbol and decimals, for <c>ToString("C", ...)</c>:
    /// made once per read-only culture and currency, and per call for a culture that is not read-only.
    /// </summary>
    public static NumberFormatInfo NumberFormat(string code, CultureInfo culture) =>
        culture.IsReadOnly
            ? Formats.GetValue(culture, _ => new(StringComparer.Ordinal)).GetOrAdd(code, static (c, culture) => MakeNumberFormat(c, culture), culture)
            : MakeNumberFormat(code, culture);

    private static NumberFormatInfo MakeNumberFormat(string code, CultureInfo culture)
    {
        var (exponent, symbol) = Known.TryGetValue(code, out var info) ? info : (2, code);
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencySymbol = symbol;
        format.CurrencyDecimalDigits = exponent;
        return NumberFormatInfo.ReadOnly(format);
    }
}
