using System.Net;
using System.Text.RegularExpressions;

namespace Portal.ScaleTests.Infrastructure;

/// <summary>What a browser does through the proxy, and which instance answered each request (nginx's X-Upstream).</summary>
public sealed partial class Browser(ScaleCluster cluster, string clientAddress) : IDisposable
{
    public CookieContainer Cookies { get; } = new();

    private HttpClient? _http;

    public HttpClient Http => _http ??= cluster.Client(clientAddress, Cookies);

    /// <summary>The instance that answered: the last of nginx's list (the earlier ones refused or failed).</summary>
    public static string Upstream(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Upstream", out var values) ? string.Join(",", values).Split(',').Last().Trim() : "";

    /// <summary>Reads <paramref name="path"/> and returns the antiforgery token of its form and the instance that drew it.</summary>
    public async Task<(string Token, string DrawnBy)> FormAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var token = TokenField().Match(html);
        Assert.True(token.Success, $"{path} has no antiforgery token");
        return (WebUtility.HtmlDecode(token.Groups[1].Value), Upstream(response));
    }

    public async Task<HttpResponseMessage> PostAsync(string path, string token, IDictionary<string, string> fields)
    {
        var body = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token };
        return await Http.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(body), TestContext.Current.CancellationToken);
    }

    /// <summary>Signs in with the login form; returns the instance that drew the form and the one that took the post.</summary>
    public async Task<(HttpResponseMessage Response, string DrawnBy, string PostedTo)> LogInAsync(string login, string password)
    {
        var (token, drawnBy) = await FormAsync("/login");
        var response = await PostAsync("/login", token, new Dictionary<string, string> { ["Input.Login"] = login, ["Input.Password"] = password });
        return (response, drawnBy, Upstream(response));
    }

    /// <summary>GET / : 200 for a signed-in customer, a redirect to /login otherwise. Returns the status and the instance.</summary>
    public async Task<(HttpStatusCode Status, string Upstream)> HomeAsync()
    {
        using var response = await Http.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        return (response.StatusCode, Upstream(response));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    public void Dispose() => _http?.Dispose();
}
