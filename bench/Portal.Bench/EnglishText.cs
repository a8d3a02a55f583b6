using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Portal.Bench;

/// <summary>
/// The English texts (the keys), for the benches that render what the portal renders (an export, a
/// statement PDF) outside a request: the headings cost the same in every language.
/// </summary>
internal sealed class EnglishText : IStringLocalizer
{
    public static readonly EnglishText Instance = new();

    public LocalizedString this[string name] => new(name, name);

    public LocalizedString this[string name, params object[] arguments] => new(name, string.Format(CultureInfo.CurrentCulture, name, arguments));

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => [];
}
