using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Localization;

/// <summary>
/// Every string the portal localizes has a Spanish and a French translation, and the pages really come out
/// in the reader's language and number formats. The key scan is tools/i18n/extract.py's, in C#.
/// </summary>
public sealed partial class TranslationsTests(PortalFactory portal)
{
    public static TheoryData<string> Languages => ["es", "fr"];

    [Theory]
    [MemberData(nameof(Languages))]
    public void Every_localized_string_in_the_source_has_a_translation_with_the_same_placeholders(string language)
    {
        var keys = SourceKeys.Scan(Repository.Root);
        Assert.True(keys.Count > 400, $"The scan found only {keys.Count} keys: it no longer sees the localizer calls.");
        var translations = Resx(Path.Combine(Repository.Root, "src", "Portal", "Resources", $"SharedResource.{language}.resx"));

        var problems = new List<string>();
        // Resource names are case-insensitive when compiled: "Invoice" and "INVOICE" would silently keep one.
        problems.AddRange(translations.Keys.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1)
            .Select(g => $"keys differing only by case: {string.Join(", ", g.Select(k => $"\"{k}\""))}"));
        problems.AddRange(keys.Keys.GroupBy(k => k, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1)
            .Select(g => $"source keys differing only by case (use one key, change case in code): {string.Join(", ", g.Select(k => $"\"{k}\""))}"));
        foreach (var (key, where) in keys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (!translations.TryGetValue(key, out var value) || string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"missing: \"{key}\" (used at {where})");
            }
            else if (!Placeholders(key).SetEquals(Placeholders(value)))
            {
                problems.Add($"placeholders differ: \"{key}\" -> \"{value}\"");
            }
        }

        Assert.True(problems.Count == 0,
            $"{problems.Count} string(s) need a {language} translation in SharedResource.{language}.resx " +
            $"(python3 tools/i18n/extract.py --missing {language}):\n" + string.Join('\n', problems));
    }

    [Theory]
    [InlineData("es", "Iniciar sesión", "Correo electrónico o número de teléfono")]
    [InlineData("fr", "Se connecter", "E-mail ou numéro de téléphone")]
    public async Task Login_page_speaks_the_chosen_language(string culture, string logIn, string loginLabel)
    {
        var ct = TestContext.Current.CancellationToken;
        var client = portal.CreateBrowserClient();

        var html = await client.GetStringAsync($"/login?culture={culture}", ct);

        Assert.Contains($"<html lang=\"{culture}\">", html, StringComparison.Ordinal);
        Assert.Contains($">{logIn}</button>", html, StringComparison.Ordinal);
        Assert.Contains(loginLabel, html, StringComparison.Ordinal);
        Assert.DoesNotContain(">Log in</button>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Language_chosen_with_the_picker_is_remembered_on_the_next_page()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = portal.CreateBrowserClient();

        var pick = await client.GetAsync("/culture?c=fr&returnUrl=%2Flogin", ct);
        Assert.Equal(HttpStatusCode.Redirect, pick.StatusCode);
        var html = await client.GetStringAsync("/login", ct);

        Assert.Contains("<html lang=\"fr\">", html, StringComparison.Ordinal);
        Assert.Contains(">Se connecter</button>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overview_words_follow_the_language_and_formats_the_operators_region_unless_chosen()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var french = await client.GetStringAsync("/?culture=fr", ct);
        var english = await client.GetStringAsync("/?culture=en-US", ct);
        var france = await client.GetStringAsync("/?culture=fr-FR", ct);

        // A US-dollar operator: French words, US formats ("$1,234.56", M/d/yyyy), unless France's formats are chosen.
        Assert.Matches(EnglishMoney(), Figure(french, "balance"));
        Assert.Matches(EnglishMoney(), Figure(english, "balance"));
        Assert.Matches(FrenchMoney(), Figure(france, "balance"));
        Assert.Contains("<h1>Vue d'ensemble</h1>", WebUtility.HtmlDecode(french), StringComparison.Ordinal);
        Assert.Contains("<h1>Vue d'ensemble</h1>", WebUtility.HtmlDecode(france), StringComparison.Ordinal);

        // The newest invoice's due date: M/d/yyyy for the US operator in both languages, dd/MM/yyyy with France's formats.
        var frenchDue = Cell(french, "Échéance");
        var englishDue = Cell(english, "Due");
        var franceDue = Cell(france, "Échéance");
        Assert.Equal(englishDue, frenchDue);
        Assert.Equal(
            DateOnly.ParseExact(englishDue, "M/d/yyyy", CultureInfo.InvariantCulture),
            DateOnly.ParseExact(franceDue, "dd/MM/yyyy", CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Invoice_pdf_is_written_in_the_readers_language_and_number_format()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await portal.LoginAsync(DemoData.CustomerEmail);
        var number = await portal.WithDbAsync(db => Task.FromResult(
            db.Invoices.Where(i => i.Account!.Number == "10001" && !i.IsVoid).OrderByDescending(i => i.Id).Select(i => i.Number).First()));

        var bytes = await client.GetByteArrayAsync($"/invoices/{Uri.EscapeDataString(number)}/pdf?culture=fr", ct);

        var text = await Portal.Tests.Features.Invoices.InvoiceTestData.PdfTextAsync(bytes);
        if (text is null)
        {
            // No poppler here: the document title, written as plain text, carries the translated word.
            Assert.Contains("FACTURE " + number, Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
            return;
        }

        Assert.Contains("FACTURE", text, StringComparison.Ordinal);
        Assert.Contains("Montant dû", text, StringComparison.Ordinal);
        Assert.Contains("Page 1 sur ", text, StringComparison.Ordinal);
        // The operator bills in US dollars: French words, US amounts.
        Assert.Matches(@"\$\d{1,3}(,\d{3})*\.\d{2}", text);
        Assert.DoesNotMatch(@"\d,\d{2}\s\$", text);
        Assert.DoesNotContain("Amount due", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Form_errors_come_in_the_chosen_language()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var response = await PortalFactory.PostFormAsync(client, "/settings/password?culture=es", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = "",
            ["Input.NewPassword"] = "",
            ["Input.ConfirmPassword"] = "",
        });
        var html = await response.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Este campo es obligatorio.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("field is required", html, StringComparison.Ordinal);
    }

    private static string Figure(string html, string name)
    {
        var match = Regex.Match(html, $"data-figure=\"{name}\">([^<]*)<", RegexOptions.None, TimeSpan.FromSeconds(1));
        Assert.True(match.Success, $"No {name} figure on the overview.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private static string Cell(string html, string label)
    {
        var match = Regex.Match(html, $"<td data-label=\"{label}\">([^<]*)</td>", RegexOptions.None, TimeSpan.FromSeconds(1));
        Assert.True(match.Success, $"No cell labelled {label}.");
        return match.Groups[1].Value.Trim();
    }

    private static HashSet<string> Placeholders(string text) =>
        PlaceholderPattern().Matches(text).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    private static Dictionary<string, string> Resx(string path) =>
        XDocument.Load(path).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"^-?\d{1,3}(?:[\s\u202F\u00A0]\d{3})*,\d{2}[\s\u202F\u00A0]\$$")]
    private static partial Regex FrenchMoney();

    [GeneratedRegex(@"^-?\$\d{1,3}(?:,\d{3})*\.\d{2}$")]
    private static partial Regex EnglishMoney();

    /// <summary>The localized string keys in src/Portal: what tools/i18n/extract.py finds.</summary>
    private static partial class SourceKeys
    {
        public static Dictionary<string, string> Scan(string root)
        {
            var src = Path.Combine(root, "src", "Portal");
            var files = Directory.EnumerateFiles(src, "*.*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal))
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Select(f => (Path: Path.GetRelativePath(root, f), Text: File.ReadAllText(f)))
                .ToList();

            var names = new HashSet<string>(["L", "l", "_l", "Localizer", "_localizer", "localizer"], StringComparer.Ordinal);
            foreach (var file in files)
            {
                foreach (Match m in LocalizerDeclaration().Matches(file.Text))
                {
                    names.Add(m.Groups[1].Value);
                }
            }

            var call = new Regex(
                @"(?:(?<![A-Za-z0-9_.])(?:" + string.Join('|', names.Select(Regex.Escape)) + @")\[|ErrorMessage\s*=(?!=)|Display\s*\(\s*Name\s*=)",
                RegexOptions.None, TimeSpan.FromSeconds(5));
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (path, text) in files)
            {
                foreach (Match m in call.Matches(text))
                {
                    var i = m.Index + m.Length;
                    while (i < text.Length && char.IsWhiteSpace(text[i]))
                    {
                        i++;
                    }

                    if (Literal(text, i) is { } key && !ConcatenatedAfter(text, key.End))
                    {
                        keys.TryAdd(key.Value, $"{path}:{text.AsSpan(0, m.Index).Count('\n') + 1}");
                    }
                }
            }

            return keys;
        }

        private static bool ConcatenatedAfter(string text, int end)
        {
            while (end < text.Length && char.IsWhiteSpace(text[end]))
            {
                end++;
            }

            return end < text.Length && text[end] == '+';
        }

        /// <summary>A C# string literal at text[i]: regular "..." with escapes or verbatim @"..."; null otherwise.</summary>
        private static (string Value, int End)? Literal(string text, int i)
        {
            var value = new StringBuilder();
            if (i + 1 < text.Length && text[i] == '@' && text[i + 1] == '"')
            {
                for (var j = i + 2; j < text.Length; j++)
                {
                    if (text[j] != '"')
                    {
                        value.Append(text[j]);
                    }
                    else if (j + 1 < text.Length && text[j + 1] == '"')
                    {
                        value.Append('"');
                        j++;
                    }
                    else
                    {
                        return (value.ToString(), j + 1);
                    }
                }

                return null;
            }

            if (i >= text.Length || text[i] != '"' || text.AsSpan(i).StartsWith("\"\"\""))
            {
                return null;
            }

            for (var j = i + 1; j < text.Length; j++)
            {
                switch (text[j])
                {
                    case '"':
                        return (value.ToString(), j + 1);
                    case '\n':
                        return null;
                    case '\\' when j + 1 < text.Length:
                        j++;
                        switch (text[j])
                        {
                            case 'n': value.Append('\n'); break;
                            case 't': value.Append('\t'); break;
                            case 'r': value.Append('\r'); break;
                            case '0': value.Append('\0'); break;
                            case 'u' when j + 4 < text.Length:
                                value.Append((char)int.Parse(text.AsSpan(j + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                                j += 4;
                                break;
                            default: value.Append(text[j]); break;
                        }

                        break;
                    default:
                        value.Append(text[j]);
                        break;
                }
            }

            return null;
        }

        [GeneratedRegex(@"\b(?:IStringLocalizer|IHtmlLocalizer|IViewLocalizer)(?:<[^>]*>)?\??\s+(_?[A-Za-z][A-Za-z0-9_]*)\b")]
        private static partial Regex LocalizerDeclaration();
    }
}
