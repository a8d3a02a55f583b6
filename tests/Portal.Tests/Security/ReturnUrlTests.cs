using System.Net;
using Portal.Data;
using Portal.Infrastructure.Security;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// A return URL of any shape, on every endpoint that redirects to one (log in, the language picker,
/// two-factor and passkey logins through the same check): kept when it is a local path, replaced by
/// "/" otherwise, never thrown.
/// </summary>
public sealed class ReturnUrlTests(PortalFactory portal)
{
    public static readonly TheoryData<string> Hostile = new()
    {
        "https://evil.example/",
        "http://evil.example",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        "\\/evil.example",
        "/invoices\\..\\..\\evil",
        "%2F%2Fevil.example",
        "/%2F%2Fevil.example\\x",
        "/\t/evil.example",
        "/\r\nSet-Cookie: x=1",
        "/\n/evil.example",
        "/\0",
        "/\u0007bell",
        "/\u202Eevil",
        "/é",
        "/ space",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "evil.example",
        "~/x",
        "",
        " ",
        "/" + new string('a', 10_000),
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void The_check_refuses_every_hostile_shape(string url) =>
        Assert.Equal("/", ReturnUrls.LocalOrDefault(url));

    [Theory]
    [InlineData("/")]
    [InlineData("/invoices")]
    [InlineData("/invoices?page=2&sort=due")]
    [InlineData("/invoices/INV-1%2F2#lines")]
    [InlineData("/%2F%2Fevil.example")]
    public void A_local_path_is_kept(string url) => Assert.Equal(url, ReturnUrls.LocalOrDefault(url));

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task The_language_picker_sends_a_hostile_return_url_home(string url)
    {
        var client = portal.CreateBrowserClient();

        var response = await client.GetAsync("/culture?c=es&returnUrl=" + Uri.EscapeDataString(url), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Logging_in_with_a_hostile_return_url_lands_home(string url)
    {
        var client = portal.CreateBrowserClient();
        var query = "/login?ReturnUrl=" + Uri.EscapeDataString(url);

        var form = await client.GetAsync(query, TestContext.Current.CancellationToken);
        var response = await PortalFactory.PostFormAsync(client, query, new Dictionary<string, string>
        {
            ["Input.Login"] = DemoData.CustomerEmail,
            ["Input.Password"] = DemoData.Password,
        }, "/login");
        var again = await client.GetAsync(query, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        // Signed in, the login page sends the user on through the same check.
        Assert.Equal("/", again.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_local_return_url_is_followed()
    {
        var client = portal.CreateBrowserClient();

        var response = await client.GetAsync("/culture?c=fr&returnUrl=" + Uri.EscapeDataString("/invoices?page=2"), TestContext.Current.CancellationToken);

        Assert.Equal("/invoices?page=2", response.Headers.Location?.OriginalString);
    }
}
