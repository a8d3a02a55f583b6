using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Infrastructure;

namespace Portal.Features.Integration;

/// <summary>
/// Reads an upsert's JSON body. Done by hand rather than by parameter binding, because the framework
/// answers a body it cannot read with a bare 400; here the caller gets ProblemDetails naming the field
/// (<c>lines[0].quantity</c>) or the line and position of the syntax error.
/// </summary>
public static class ApiJson
{
    public static async Task<(T? Value, ValidationProblem? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, ApiProblems.Invalid("body", "The body must be JSON, sent with Content-Type: application/json."));
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await request.ReadFromJsonAsync<T>(options, ct);
            return value is null ? (null, ApiProblems.Invalid("body", "The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            var field = FieldOf(ex.Path);
            var message = ex.Message.Contains("could not be converted", StringComparison.Ordinal)
                ? "The value has the wrong type or format for this field (see the OpenAPI document)."
                : string.Create(CultureInfo.InvariantCulture, $"The body is not well-formed JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}).");
            return (null, ApiProblems.Invalid(field, message));
        }
    }

    /// <summary><c>$.lines[2].quantity</c> becomes <c>lines[2].quantity</c>; the root is <c>body</c>.</summary>
    internal static string FieldOf(string? jsonPath) =>
        jsonPath is null or "$" or "" ? "body" : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
}

/// <summary>
/// Collects every problem with a request before answering, so that one 400 lists them all, each under
/// its JSON field path.
/// </summary>
public sealed class ApiErrors
{
    /// <summary>The largest amount accepted anywhere: far inside what a 64-bit ten-thousandth can hold.</summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

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

    public ValidationProblem ToProblem() => ApiProblems.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));

    /// <summary>Trimmed text, or null when empty; an error when required and missing or when too long.</summary>
    public string? Text(string field, string? value, int maxLength, bool required = false)
    {
        var text = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (text is null)
        {
            if (required)
            {
                Add(field, "This field is required.");
            }

            return null;
        }

        if (text.Length > maxLength)
        {
            Add(field, string.Create(CultureInfo.InvariantCulture, $"At most {maxLength} characters."));
        }

        return text;
    }

    /// <summary>An id from the billing system, taken from the URL.</summary>
    public string ExternalId(string field, string value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 100 || value.Trim() != value)
        {
            Add(field, "An external id is 1 to 100 characters, without leading or trailing spaces.");
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

    /// <summary>A known ISO 4217 code, upper case.</summary>
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

    /// <summary>
    /// A money amount: required, within range, positive when asked, and with no more decimals than the
    /// currency allows (the currency may be unknown when it is itself in error: then only the range is checked).
    /// </summary>
    public decimal Amount(string field, decimal? value, string? currency, bool positive)
    {
        if (value is not { } amount)
        {
            Add(field, "This field is required.");
            return 0m;
        }

        if (positive && amount <= 0m)
        {
            Add(field, "Must be greater than zero.");
        }
        else if (Math.Abs(amount) > MaxAmount)
        {
            Add(field, "The amount is too large.");
        }
        else if (currency is not null && !Currencies.FitsMinorUnit(amount, currency))
        {
            Add(field, string.Create(CultureInfo.InvariantCulture, $"{currency} allows at most {Currencies.Exponent(currency)} decimals."));
        }

        return amount;
    }

    /// <summary>A quantity or unit price: at most four decimals (what storage holds exactly).</summary>
    public decimal Precise(string field, decimal? value, bool nonNegative)
    {
        if (value is not { } number)
        {
            Add(field, "This field is required.");
            return 0m;
        }

        if (nonNegative && number < 0m)
        {
            Add(field, "Must not be negative.");
        }
        else if (Math.Abs(number) > MaxAmount)
        {
            Add(field, "The value is too large.");
        }
        else if (decimal.Round(number, 4) != number)
        {
            Add(field, "At most 4 decimals.");
        }

        return number;
    }

    public T Required<T>(string field, T? value)
        where T : struct
    {
        if (value is null)
        {
            Add(field, "This field is required.");
        }

        return value ?? default;
    }
}

/// <summary>Saving an upsert: one unit of work, and a race lost to another writer is a 409 to retry, never a 500.</summary>
public static class ApiWrites
{
    public static ProblemHttpResult Retry() => ApiProblems.Conflict(
        "Concurrent change",
        "Another request changed the same documents at the same time. Nothing was written; send the request again.");

    /// <summary>
    /// Runs the writes (one or more SaveChanges) in one transaction. A concurrency token that moved, or a
    /// unique key taken by a request that committed first, rolls everything back and answers <see cref="Retry"/>.
    /// </summary>
    public static async Task<ProblemHttpResult?> CommitAsync(PortalDb db, ILogger log, Func<Task> writes, CancellationToken ct)
    {
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await writes();
            await tx.CommitAsync(ct);
            return null;
        }
        catch (DbUpdateException ex)
        {
            log.LogWarning(ex, "Integration upsert lost a race; answered 409.");
            db.ChangeTracker.Clear();
            return Retry();
        }
    }

    /// <summary>The usual case: a single SaveChanges, which is a transaction by itself.</summary>
    public static async Task<ProblemHttpResult?> SaveAsync(PortalDb db, ILogger log, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException ex)
        {
            log.LogWarning(ex, "Integration upsert lost a race; answered 409.");
            db.ChangeTracker.Clear();
            return Retry();
        }
    }

    /// <summary>
    /// The time stamped on a write, in whole microseconds: PostgreSQL keeps no finer, so the response to
    /// a PUT shows exactly what a later GET (or the same PUT again) returns.
    /// </summary>
    public static DateTime Now(TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % 10));
    }

    /// <summary>True when the tracked entity has changes to write (new, or a property that differs).</summary>
    public static bool IsChanged(PortalDb db, object entity)
    {
        db.ChangeTracker.DetectChanges();
        return db.Entry(entity).State is EntityState.Added or EntityState.Modified;
    }
}
