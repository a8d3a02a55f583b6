using Portal.Data;
using Portal.Infrastructure;

namespace Portal.Features.Integration;

/// <summary>
/// Collects field errors for one request, keyed by the JSON path of the field (<c>records[3].quantity</c>),
/// so that a client sees every problem at once and exactly where it is.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public int Count => _errors.Count;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    /// <summary>A required text: present, not blank, at most <paramref name="max"/> characters.</summary>
    public bool Text(string field, string? value, int max, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, "Required.");
            }

            return !required;
        }

        if (value.Length > max)
        {
            Add(field, $"At most {max} characters.");
            return false;
        }

        return true;
    }

    public bool Currency(string field, string? code)
    {
        if (!Currencies.IsKnown(code))
        {
            Add(field, "Must be a supported ISO 4217 currency code, e.g. USD.");
            return false;
        }

        return true;
    }

    /// <summary>A number with at most <paramref name="decimals"/> decimals, and not negative unless allowed.</summary>
    public bool Number(string field, decimal? value, int decimals = 4, bool allowNegative = false, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, "Required.");
            }

            return !required;
        }

        if (!allowNegative && value < 0m)
        {
            Add(field, "Must not be negative.");
            return false;
        }

        if (decimal.Round(value.Value, decimals) != value.Value)
        {
            Add(field, $"At most {decimals} decimals.");
            return false;
        }

        if (Math.Abs(value.Value) >= 100_000_000_000m)
        {
            Add(field, "Too large.");
            return false;
        }

        return true;
    }

    /// <summary>An amount of money in the given currency: at most the currency's minor-unit decimals.</summary>
    public bool Amount(string field, decimal? value, string currency, bool allowNegative = false, bool required = true) =>
        Number(field, value, Currencies.IsKnown(currency) ? Currencies.Exponent(currency) : 2, allowNegative, required);

    /// <summary>The account a body names by external id; null, with the error added, when absent or unknown.</summary>
    public async Task<AccountRefs.AccountRef?> AccountAsync(PortalDb db, string field, string? externalId, CancellationToken ct)
    {
        if (!Text(field, externalId, 100))
        {
            return null;
        }

        var account = await AccountRefs.FindAsync(db, externalId, ct);
        if (account is null)
        {
            Add(field, $"No account has externalId '{externalId}'.");
        }

        return account;
    }

    /// <summary>A known currency, and the account's own when the account is known: documents never mix currencies.</summary>
    public void CurrencyOf(string field, string? currency, AccountRefs.AccountRef? account)
    {
        if (Currency(field, currency) && account is not null && !string.Equals(currency, account.Currency, StringComparison.Ordinal))
        {
            Add(field, $"The account is billed in {account.Currency}.");
        }
    }

    /// <summary>
    /// An optional value of <typeparamref name="TEnum"/> by name (any case; numbers are refused, so that a
    /// client cannot send a value the API never documented); null when absent or invalid, with the error added.
    /// </summary>
    public TEnum? Enum<TEnum>(string field, string? value)
        where TEnum : struct, System.Enum
    {
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _)
            && System.Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed)
            && System.Enum.IsDefined(parsed))
        {
            return parsed;
        }

        Add(field, "One of: " + string.Join(", ", System.Enum.GetNames<TEnum>().Select(n => char.ToLowerInvariant(n[0]) + n[1..])) + ".");
        return null;
    }

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
