using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Features.Search;

/// <summary>
/// What a user typed, read into words the index knows. The words are made here, of letters and digits
/// only, and each is quoted (FTS5) or given as a plain lexeme (PostgreSQL): nothing the user types
/// (<c>"</c>, <c>*</c>, <c>NEAR</c>, <c>-</c>, <c>(</c>, <c>:</c>) ever reaches the engine as syntax.
/// </summary>
public sealed partial class SearchQuery
{
    /// <summary>Longer queries are refused with a message, without running.</summary>
    public const int MaxLength = 200;

    /// <summary>More words add nothing but cost.</summary>
    public const int MaxTerms = 8;

    private SearchQuery(IReadOnlyList<Term> terms) => Terms = terms;

    /// <summary>Every term must match (AND); a term matches when any of its forms does (OR).</summary>
    public IReadOnlyList<Term> Terms { get; }

    /// <summary>The words to highlight in what a result shows.</summary>
    public IEnumerable<string> Words => Terms.SelectMany(t => t.Forms).Where(f => !f.IsAmount).Select(f => f.Word).Distinct(StringComparer.Ordinal);

    /// <summary>One form of a term: a word prefix in the text, or an exact amount word.</summary>
    public sealed record Form(string Word, bool IsAmount);

    public sealed record Term(IReadOnlyList<Form> Forms);

    /// <summary>Null when nothing searchable was typed.</summary>
    public static SearchQuery? Parse(string? input)
    {
        if (string.IsNullOrWhiteSpace(input) || input.Length > MaxLength)
        {
            return null;
        }

        var terms = new List<Term>();
        foreach (var chunk in input.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            terms.AddRange(Read(chunk));
        }

        var distinct = terms.DistinctBy(t => string.Join("|", t.Forms), StringComparer.Ordinal).Take(MaxTerms).ToList();
        return distinct.Count == 0 ? null : new SearchQuery(distinct);
    }

    /// <summary>
    /// What <paramref name="input"/> searches for this user: <see cref="Parse(string?)"/>, then, for a user who
    /// may not see amounts, <see cref="WithoutAmounts"/>. Null when nothing can match. Every place that
    /// searches the index (the search page, the invoice list's filter) reads the words this one way, so a
    /// user without "see money" can never find a document by its amount through any of them.
    /// </summary>
    public static SearchQuery? Parse(string? input, bool seesMoney)
    {
        var query = Parse(input);
        return seesMoney ? query : query?.WithoutAmounts();
    }

    /// <summary>
    /// This query for someone who may not see amounts: amount forms dropped. Null when a term had
    /// nothing else to match ("1,250.00"), since then no document can match.
    /// </summary>
    public SearchQuery? WithoutAmounts()
    {
        var terms = Terms.Select(t => new Term(t.Forms.Where(f => !f.IsAmount).ToList())).ToList();
        return terms.Any(t => t.Forms.Count == 0) ? null : new SearchQuery(terms);
    }

    /// <summary>The FTS5 MATCH expression: each word quoted, column-filtered.</summary>
    public string ToFts5() => string.Join(" AND ", Terms.Select(t =>
        "(" + string.Join(" OR ", t.Forms.Select(f => f.IsAmount ? $"\"Money\" : \"{f.Word}\"" : $"\"Text\" : \"{f.Word}\" *")) + ")"));

    /// <summary>The to_tsquery('simple', ...) text: weight A is text, B amounts (SearchIndexSql).</summary>
    public string ToTsQuery() => string.Join(" & ", Terms.Select(t =>
        "(" + string.Join(" | ", t.Forms.Select(f => f.IsAmount ? $"{f.Word}:B" : $"{f.Word}:*A")) + ")"));

    private static IEnumerable<Term> Read(string chunk)
    {
        var trimmed = chunk.Trim('$', '€', '£', '¥', '₩', '₹');
        if (IsoDate().Match(trimmed) is { Success: true } date)
        {
            // The index holds dates compact as well: 2026-11-30 is "20261130"; 2026-11 its prefix.
            yield return new Term([new Form(date.Value.Replace("-", "", StringComparison.Ordinal), false)]);
            yield break;
        }

        if (Amount(trimmed) is { } amount)
        {
            yield return amount;
            yield break;
        }

        var words = WordsOf(chunk);
        if (words.Count > 1)
        {
            // "INV-00042" or "4471-A": the number as one compact word, as the index holds it, rather
            // than each part (a word like "inv" would match every invoice).
            yield return new Term([new Form(string.Concat(words), false)]);
        }
        else if (words.Count == 1)
        {
            yield return new Term([new Form(words[0], false)]);
        }
    }

    /// <summary>
    /// "1,250.00", "1.250,00", "1250.5" or "1250": an amount. Whole numbers also stay a word prefix
    /// (an invoice number); with minor units the term is the exact amount only.
    /// </summary>
    private static Term? Amount(string text)
    {
        if (!AmountShape().IsMatch(text))
        {
            return null;
        }

        var last = text.LastIndexOfAny(['.', ',']);
        string whole, minor;
        if (last >= 0 && text.Length - last - 1 is 1 or 2)
        {
            whole = text[..last];
            minor = text[(last + 1)..].PadRight(2, '0');
        }
        else
        {
            whole = text;
            minor = "";
        }

        // What is left of the whole part may only hold thousands separators, between groups of three.
        if (whole.Length == 0 || (whole.IndexOfAny(['.', ',', ' ']) >= 0 && !Grouped().IsMatch(whole)))
        {
            return null;
        }

        var units = whole.Replace(",", "", StringComparison.Ordinal).Replace(".", "", StringComparison.Ordinal).TrimStart('0');
        units = units.Length == 0 ? "0" : units;
        if (minor.Length > 0)
        {
            return new Term([new Form($"{units}c{minor}", true)]);
        }

        var forms = new List<Form> { new(units, true) };
        if (whole.All(char.IsAsciiDigit))
        {
            forms.Add(new Form(whole, false));
        }

        return new Term(forms);
    }

    /// <summary>Letters and digits, lower case, as the engines' tokenisers cut them.</summary>
    private static List<string> WordsOf(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        // A word no longer than the column allows; longer is no document's word anyway.
        return words.Select(w => w.Length > 60 ? w[..60] : w).ToList();
    }

    public override string ToString() => string.Join(" ", Terms.Select(t => string.Join("|", t.Forms.Select(f => f.Word))));

    [GeneratedRegex(@"^\d{4}-\d{2}(-\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"^\d[\d.,]*$", RegexOptions.CultureInvariant)]
    private static partial Regex AmountShape();

    [GeneratedRegex(@"^\d{1,3}([.,]\d{3})+$", RegexOptions.CultureInvariant)]
    private static partial Regex Grouped();
}
