using System.Net;
using System.Text.RegularExpressions;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Posts a form the way a browser does: to the action the page's own markup gives, with the token inside that
/// form. Catches what posting to a hand-written URL cannot: a form without its antiforgery token, or an action
/// the router rewrote (lower-case URLs lower-case a document number too).
/// </summary>
public static partial class PageForms
{
    /// <summary>Reads <paramref name="url"/> and posts the first form whose action names <paramref name="handler"/>, with <paramref name="fields"/>.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string handler, IDictionary<string, string>? fields = null)
    {
        var html = await client.GetStringAsync(url);
        foreach (Match form in FormTag().Matches(html))
        {
            var action = WebUtility.HtmlDecode(form.Groups["action"].Value);
            if (!action.Contains("handler=" + handler, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var token = TokenField().Match(form.Groups["body"].Value);
            Assert.True(token.Success, $"The {handler} form on {url} has no antiforgery token: a browser's post is refused with 400.");
            var body = new Dictionary<string, string>(fields ?? new Dictionary<string, string>()) { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value) };
            return await client.PostAsync(action, new FormUrlEncodedContent(body));
        }

        throw new InvalidOperationException($"No form on {url} posts to the {handler} handler.");
    }

    [GeneratedRegex("<form[^>]*method=\"post\"[^>]*action=\"(?<action>[^\"]*)\"[^>]*>(?<body>.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex FormTag();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
