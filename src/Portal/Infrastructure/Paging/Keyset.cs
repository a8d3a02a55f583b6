using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Portal.Infrastructure.Paging;

/// <summary>
/// A position in a keyset-paged list: a row's sort value and id, tied to the sort it was made for, and
/// whether the page wanted lies after it (next) or before it (previous). Travels as an opaque base64url
/// token, so a page link never exposes or depends on an offset.
/// </summary>
public sealed record KeysetCursor(string Sort, string Value, long Id, bool Backward = false)
{
    private const string Version = "k1";

    public string Encode() =>
        WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(string.Join('\n', Version, Sort, Value, Id.ToString(CultureInfo.InvariantCulture), Backward ? "b" : "a")));

    /// <summary>The cursor in the token, or null when the token is missing, malformed or made for another sort.</summary>
    public static KeysetCursor? Decode(string? token, string sort)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 400)
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(token)).Split('\n');
            return parts.Length == 5
                && parts[0] == Version
                && string.Equals(parts[1], sort, StringComparison.Ordinal)
                && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                && parts[4] is "a" or "b"
                ? new KeysetCursor(parts[1], parts[2], id, parts[4] == "b")
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>One page of a keyset-paged list, with the tokens of the pages next to it (null when there is none).</summary>
public sealed record KeysetPage<TRow>(List<TRow> Rows, string? Next, string? Previous, bool CursorWasInvalid);

/// <summary>
/// Keyset paging over (sort key, id): each page starts strictly after the previous page's last row, so
/// pages never skip or repeat rows and cost the same at any depth, given an index on (scope, key, id).
/// </summary>
public static class Keyset
{
    // A cursor value must be storable (Data/FixedPointConverter: a 64-bit count of ten-thousandths),
    // or comparing it in SQL would throw instead of simply being an invalid cursor.
    private static readonly decimal MaxStoredDecimal = long.MaxValue / Data.FixedPointConverter.Scale;

    /// <summary>
    /// Reads one page of <paramref name="pageSize"/> rows ordered by the key then the id, starting after
    /// (or, for a "previous" cursor, ending before) the cursor in <paramref name="token"/>, and the
    /// tokens of the pages next to it. A token that is malformed, made for another sort or holding a
    /// value the key cannot take is ignored (the first page is read) and reported as invalid.
    /// </summary>
    public static Task<KeysetPage<TRow>> ReadAsync<T, TKey, TRow>(
        IQueryable<T> query,
        string sort,
        Expression<Func<T, TKey>> key,
        Expression<Func<T, long>> id,
        bool descending,
        string? token,
        Expression<Func<T, TRow>> select,
        Func<TRow, (TKey Key, long Id)> position,
        int pageSize,
        CancellationToken ct) =>
        ReadSegmentsAsync([query], sort, key, id, descending, token, select, position, pageSize, ct);

    /// <summary>
    /// As <see cref="ReadAsync{T, TKey, TRow}"/>, over a list made of <paramref name="segments"/> that follow
    /// each other in the list's order and do not overlap (for example one per month of a month-led
    /// index, so that each is one index range already in order and no query sorts the whole list). The
    /// segments are read in turn (in reverse for a previous page) until the page is full.
    /// </summary>
    public static async Task<KeysetPage<TRow>> ReadSegmentsAsync<T, TKey, TRow>(
        IReadOnlyList<IQueryable<T>> segments,
        string sort,
        Expression<Func<T, TKey>> key,
        Expression<Func<T, long>> id,
        bool descending,
        string? token,
        Expression<Func<T, TRow>> select,
        Func<TRow, (TKey Key, long Id)> position,
        int pageSize,
        CancellationToken ct)
    {
        var cursor = KeysetCursor.Decode(token, sort);
        var invalid = !string.IsNullOrEmpty(token) && cursor is null;
        TKey value = default!;
        if (cursor is not null && !TryParse(cursor.Value, out value))
        {
            invalid = true;
            cursor = null;
        }

        // A previous page is read walking the other way from the cursor, then put back in order.
        var backward = cursor?.Backward == true;
        var walkDescending = descending != backward;
        var rows = new List<TRow>(pageSize + 1);
        foreach (var segment in backward ? segments.Reverse() : segments)
        {
            var query = cursor is null ? segment : segment.Where(After(key, id, value, cursor.Id, walkDescending));
            var ordered = walkDescending ? query.OrderByDescending(key).ThenByDescending(id) : query.OrderBy(key).ThenBy(id);
            rows.AddRange(await ordered.Select(select).Take(pageSize + 1 - rows.Count).ToListAsync(ct));
            if (rows.Count > pageSize)
            {
                break;
            }
        }

        var more = rows.Count > pageSize;
        if (more)
        {
            rows.RemoveAt(pageSize);
        }

        if (backward)
        {
            rows.Reverse();
        }

        var hasNext = backward || more;
        var hasPrevious = backward ? more : cursor is not null;
        return new KeysetPage<TRow>(
            rows,
            hasNext && rows.Count > 0 ? Token(rows[^1], toPrevious: false) : null,
            hasPrevious && rows.Count > 0 ? Token(rows[0], toPrevious: true) : null,
            invalid);

        string Token(TRow row, bool toPrevious)
        {
            var (k, i) = position(row);
            return new KeysetCursor(sort, Format(k), i, toPrevious).Encode();
        }
    }

    // A sort value as written into a cursor: invariant and round-trippable.
    private static string Format<TKey>(TKey value) => value switch
    {
        string s => s,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        long n => n.ToString(CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"Keyset paging does not support {typeof(TKey).Name} keys."),
    };

    private static bool TryParse<TKey>(string text, out TKey value)
    {
        object? parsed = null;
        if (typeof(TKey) == typeof(string))
        {
            parsed = text;
        }
        else if (typeof(TKey) == typeof(DateOnly) && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            parsed = d;
        }
        else if (typeof(TKey) == typeof(DateTime) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                 && ticks <= DateTime.MaxValue.Ticks)
        {
            parsed = new DateTime(ticks, DateTimeKind.Utc);
        }
        else if (typeof(TKey) == typeof(decimal) && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var m)
                 && Math.Abs(m) <= MaxStoredDecimal && decimal.Round(m, 4) == m)
        {
            parsed = m;
        }
        else if (typeof(TKey) == typeof(long) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            parsed = n;
        }

        value = parsed is TKey typed ? typed : default!;
        return parsed is not null;
    }

    // key > value OR (key = value AND id > lastId), mirrored for descending order. The values go in as
    // members of a closure object so that EF sends them as parameters (one cached plan per sort).
    private static Expression<Func<T, bool>> After<T, TKey>(
        Expression<Func<T, TKey>> key, Expression<Func<T, long>> id, TKey value, long lastId, bool descending)
    {
        var row = key.Parameters[0];
        var keyBody = key.Body;
        var idBody = new Rebind(id.Parameters[0], row).Visit(id.Body);
        var bound = new Bound<TKey>(value, lastId);
        var boundExpression = Expression.Constant(bound);
        var valueExpression = Expression.Property(boundExpression, nameof(Bound<TKey>.Value));
        var idExpression = Expression.Property(boundExpression, nameof(Bound<TKey>.Id));

        Expression beyondKey;
        if (typeof(TKey) == typeof(string))
        {
            var compare = Expression.Call(typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!, keyBody, valueExpression);
            beyondKey = descending
                ? Expression.LessThan(compare, Expression.Constant(0))
                : Expression.GreaterThan(compare, Expression.Constant(0));
        }
        else
        {
            beyondKey = descending ? Expression.LessThan(keyBody, valueExpression) : Expression.GreaterThan(keyBody, valueExpression);
        }

        var beyondId = descending ? Expression.LessThan(idBody, idExpression) : Expression.GreaterThan(idBody, idExpression);
        var body = Expression.OrElse(beyondKey, Expression.AndAlso(Expression.Equal(keyBody, valueExpression), beyondId));
        return Expression.Lambda<Func<T, bool>>(body, row);
    }

    private sealed class Bound<TKey>(TKey value, long id)
    {
        public TKey Value { get; } = value;

        public long Id { get; } = id;
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
