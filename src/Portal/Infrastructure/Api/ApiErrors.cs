using System.Globalization;
using System.Net.Mail;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Data;

namespace Portal.Infrastructure.Api;

/// <summary>
/// The one validator of the integration API. It collects every problem with a request before answering,
/// so that one 400 lists them all, each under its JSON field path (<c>lines[2].quantity</c>), in one
/// wording and with one set of limits (ADR 0008).
/// </summary>
public sealed class ApiErrors
{
    /// <summary>The largest amount, quantity or price accepted anywhere: far inside what storage holds (ADR 0003: ±922,337,203,685,477 at four decimals).</summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    /// <summary>The most lines (items) one document carries.</summary>
    public const int MaxLines = 1000;

    public const string RequiredMessage = "This field is required.";

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public int Count => _errors.Count;

    /// <summary>An error on the field or anything inside it (<c>lines</c> covers <c>lines[0].quantity</c>).</summary>
    public bool AnyUnder(string field) => _errors.Keys.Any(k => k.StartsWith(field, StringComparison.Ordinal));

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public ValidationProblem ToProblem() => ApiProblems.Invalid(ToDictionary());

    /// <summary>
    /// Trimmed text, or null when empty; an error when required and missing, when longer than
    /// <paramref name="maxLength"/>, or when it holds a control character (tab and line breaks only in
    /// <paramref name="multiline"/> free text) or a bidirectional override, which would make what people
    /// read differ from what is stored.
    /// </summary>
    public string? Text(string field, string? value, int maxLength, bool required = false, bool multiline = false)
    {
        var text = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (text is null)
        {
            if (required)
            {
                Add(field, RequiredMessage);
            }

            return null;
        }

        if (text.Length > maxLength)
        {
            Add(field, string.Create(CultureInfo.InvariantCulture, $"At most {maxLength} characters."));
        }
        else if (HasHostileCharacter(text, multiline))
        {
            Add(field, multiline
                ? "Control characters (other than tab and line breaks) and bidirectional overrides are not allowed."
                : "Control characters and bidirectional overrides are not allowed.");
        }

        return text;
    }

    /// <summary>True for a control character (except tab, CR and LF when <paramref name="multiline"/>) or a bidirectional embedding, override or isolate (U+202A-U+202E, U+2066-U+2069).</summary>
    public static bool HasHostileCharacter(string text, bool multiline = false) =>
        text.Any(c => (char.IsControl(c) && !(multiline && c is '\t' or '\n' or '\r')) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069');

    /// <summary>An id from the billing system, taken from the URL: 1 to 100 characters, no surrounding spaces, nothing hostile.</summary>
    public string ExternalId(string field, string value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 100 || value.Trim() != value || HasHostileCharacter(value))
        {
            Add(field, "An external id is 1 to 100 characters, without leading or trailing spaces or control characters.");
        }

        return value;
    }

    public string? Email(string field, string? value, int maxLength = 256)
    {
        var email = Text(field, value, maxLength);
        if (email is not null && !(MailAddress.TryCreate(email, out var parsed) && parsed.Address == email))
        {
            Add(field, "Not a valid e-mail address.");
        }

        return email;
    }

    /// <summary>A known ISO 4217 code, upper case; null (with the error) otherwise.</summary>
    public string? Currency(string field, string? value)
    {
        var code = Text(field, value, 3, required: true);
        if (code is not null && !Currencies.IsKnown(code))
        {
            Add(field, $"'{code}' is not a currency the portal knows (an ISO 4217 code in upper case, e.g. USD).");
            return null;
        }

        return code;
    }

    /// <summary>A known currency, and the account's own when the account is known: documents never mix currencies.</summary>
    public string? CurrencyOf(string field, string? value, AccountRefs.AccountRef? account)
    {
        var currency = Currency(field, value);
        if (currency is not null && account is not null && !string.Equals(currency, account.Currency, StringComparison.Ordinal))
        {
            Add(field, $"The account bills in {account.Currency}, not {currency}.");
        }

        return currency;
    }

    /// <summary>
    /// A money amount: required, within range, positive when asked, and with no more decimals than the
    /// currency allows (the currency may be unknown when it is itself in error: then only the range is checked).
    /// </summary>
    public decimal Amount(string field, decimal? value, string? currency, bool positive)
    {
        if (value is not { } amount)
        {
            Add(field, RequiredMessage);
            return 0m;
        }

        if (positive && amount <= 0m)
        {
            Add(field, "Must be greater than zero.");
        }
        else if (Math.Abs(amount) > MaxAmount)
        {
            Add(field, TooLarge);
        }
        else if (currency is not null && !Currencies.FitsMinorUnit(amount, currency))
        {
            Add(field, string.Create(CultureInfo.InvariantCulture, $"{currency} allows at most {Currencies.Exponent(currency)} decimals."));
        }

        return amount;
    }

    /// <summary>A quantity, rate or unit price: required, at most four decimals (what storage holds exactly), within <see cref="MaxAmount"/>.</summary>
    public decimal Precise(string field, decimal? value, bool nonNegative)
    {
        if (value is not { } number)
        {
            Add(field, RequiredMessage);
            return 0m;
        }

        if (nonNegative && number < 0m)
        {
            Add(field, "Must not be negative.");
        }
        else if (Math.Abs(number) > MaxAmount)
        {
            Add(field, TooLarge);
        }
        else if (decimal.Round(number, 4) != number)
        {
            Add(field, "At most 4 decimals.");
        }

        return number;
    }

    public static string TooLarge { get; } = string.Create(CultureInfo.InvariantCulture, $"At most {MaxAmount:N0} in absolute value.");

    public T Required<T>(string field, T? value)
        where T : struct
    {
        if (value is null)
        {
            Add(field, RequiredMessage);
        }

        return value ?? default;
    }

    /// <summary>
    /// An optional enum value sent as text, by name in any case (numbers are refused); null when absent or
    /// invalid, with the error naming the allowed values.
    /// </summary>
    public TEnum? Enum<TEnum>(string field, string? value)
        where TEnum : struct, System.Enum
    {
        if (value is null)
        {
            return null;
        }

        if (ApiEnums.TryParse<TEnum>(value, out var parsed))
        {
            return parsed;
        }

        Add(field, ApiEnums.Allowed(typeof(TEnum)));
        return null;
    }

    /// <summary>
    /// The items of a list, each with its field path (<c>lines[3]</c>); an error for a list longer than
    /// <paramref name="max"/> (then no item is read), for a null item, and for a missing or empty list
    /// when <paramref name="required"/>.
    /// </summary>
    public List<(string At, T Item)> Items<T>(string field, IReadOnlyList<T?>? items, int max, bool required = false, string? noneMessage = null)
        where T : class
    {
        var result = new List<(string, T)>();
        if (items is null || items.Count == 0)
        {
            if (required)
            {
                Add(field, noneMessage ?? RequiredMessage);
            }

            return result;
        }

        if (items.Count > max)
        {
            Add(field, string.Create(CultureInfo.InvariantCulture, $"At most {max} items."));
            return result;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]");
            if (items[i] is { } item)
            {
                result.Add((at, item));
            }
            else
            {
                Add(at, "An item cannot be null.");
            }
        }

        return result;
    }

    /// <summary>The account a body names by external id; null, with the error added, when absent or unknown.</summary>
    public async Task<AccountRefs.AccountRef?> AccountAsync(PortalDb db, string field, string? externalId, CancellationToken ct)
    {
        if (AnyUnder(field))
        {
            return null;
        }

        var id = Text(field, externalId, 100, required: true);
        if (id is null || AnyUnder(field))
        {
            return null;
        }

        var account = await AccountRefs.FindAsync(db, id, ct);
        if (account is null)
        {
            Add(field, $"No account has externalId '{id}'.");
        }

        return account;
    }
}
