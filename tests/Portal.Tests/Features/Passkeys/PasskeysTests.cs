using System.Net;
using System.Text.Json;
using Portal.Tests.Features.Settings;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Passkeys;

public sealed class PasskeysTests(PortalFactory portal)
{
    // A syntactically plausible registration response that no authenticator made.
    private const string ForgedAttestation = """
        {"id":"AAECAwQFBgcICQ","rawId":"AAECAwQFBgcICQ","type":"public-key","authenticatorAttachment":"platform",
         "clientExtensionResults":{},
         "response":{"clientDataJSON":"eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiQUFBQSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3QifQ",
                     "attestationObject":"o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVgl","transports":["internal"]}}
        """;

    [Fact]
    public async Task Creation_options_are_a_fresh_json_challenge_for_the_signed_in_user()
    {
        var email = AccountTestKit.NewEmail("passkey-options");
        await AccountTestKit.CreateUserAsync(portal, email);
        var (browser, _) = await AccountTestKit.LoginAsync(portal, email);

        using var first = await PostOptionsAsync(browser, "/passkeys/creation-options", "/settings/passkeys");
        using var second = await PostOptionsAsync(browser, "/passkeys/creation-options", "/settings/passkeys");

        var options = first.RootElement;
        Assert.Equal(email, options.GetProperty("user").GetProperty("name").GetString());
        Assert.Equal("localhost", options.GetProperty("rp").GetProperty("id").GetString());
        var challenge = options.GetProperty("challenge").GetString()!;
        Assert.True(challenge.Length >= 43, "at least 256 bits of challenge");
        Assert.NotEqual(challenge, second.RootElement.GetProperty("challenge").GetString());
        Assert.Equal("required", options.GetProperty("authenticatorSelection").GetProperty("residentKey").GetString());
    }

    [Fact]
    public async Task Request_options_are_a_json_challenge_for_anyone()
    {
        using var options = await PostOptionsAsync(AccountTestKit.Browser(portal), "/passkeys/request-options", "/login");

        Assert.False(string.IsNullOrEmpty(options.RootElement.GetProperty("challenge").GetString()));
    }

    [Fact]
    public async Task Options_without_the_antiforgery_token_are_refused()
    {
        var response = await AccountTestKit.Browser(portal).PostAsync("/passkeys/request-options", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_forged_registration_is_refused_and_adds_no_passkey()
    {
        var email = AccountTestKit.NewEmail("passkey-forged");
        var userId = await AccountTestKit.CreateUserAsync(portal, email);
        var (browser, _) = await AccountTestKit.LoginAsync(portal, email);
        (await PostOptionsAsync(browser, "/passkeys/creation-options", "/settings/passkeys")).Dispose();

        var response = await PortalFactory.PostFormAsync(browser, "/settings/passkeys?handler=Add", new Dictionary<string, string>
        {
            ["CredentialJson"] = ForgedAttestation,
            ["Name"] = "Forged",
        }, "/settings/passkeys");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The passkey could not be added", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var count = await AccountTestKit.WithUsersAsync(portal, async (users, _) => (await users.GetPasskeysAsync((await users.FindByIdAsync(userId))!)).Count);
        Assert.Equal(0, count);
    }

    [Fact]
    public async Task A_forged_assertion_does_not_log_in()
    {
        var browser = AccountTestKit.Browser(portal);
        (await PostOptionsAsync(browser, "/passkeys/request-options", "/login")).Dispose();

        var response = await PortalFactory.PostFormAsync(browser, "/login/passkey", new Dictionary<string, string>
        {
            ["CredentialJson"] = ForgedAttestation.Replace("attestationObject", "authenticatorData", StringComparison.Ordinal),
        }, "/login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("could not be used to log in", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.False(await AccountTestKit.IsSignedInAsync(browser));
    }

    [Fact]
    public async Task The_login_page_offers_a_passkey_with_a_script_file_and_no_inline_script()
    {
        var html = await AccountTestKit.Browser(portal).GetStringAsync("/login", TestContext.Current.CancellationToken);

        Assert.Contains("data-passkey=\"request\"", html, StringComparison.Ordinal);
        Assert.Contains("src=\"/js/passkeys.js", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
    }

    private static async Task<JsonDocument> PostOptionsAsync(HttpClient client, string url, string tokenPage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Add("X-CSRF-TOKEN", await PortalFactory.GetAntiforgeryTokenAsync(client, tokenPage));
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
