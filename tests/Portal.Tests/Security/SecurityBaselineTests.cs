using System.Buffers.Binary;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

public sealed class SecurityBaselineTests(PortalFactory portal)
{
    [Fact]
    public async Task Passwords_are_hashed_with_PBKDF2_HMAC_SHA512_and_at_least_210000_iterations()
    {
        var hash = await portal.WithDbAsync(db => db.Users.Where(u => u.Email == DemoData.CustomerEmail).Select(u => u.PasswordHash!).SingleAsync(TestContext.Current.CancellationToken));

        // Identity's v3 format: 0x01, PRF (uint32), iteration count (uint32), salt length, salt, subkey.
        var bytes = Convert.FromBase64String(hash);
        Assert.Equal(0x01, bytes[0]);
        Assert.Equal((uint)KeyDerivationPrfSha512, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)));
        Assert.True(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)) >= 210_000);
    }

    private const int KeyDerivationPrfSha512 = 2;

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_with_a_clear_message_even_for_the_right_password()
    {
        var email = $"lockout-{Guid.NewGuid():N}@example.com";
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var created = await users.CreateAsync(new PortalUser { UserName = email, Email = email, EmailConfirmed = true }, "Correct-Horse-Battery-9");
            Assert.True(created.Succeeded);
        }

        var client = portal.CreateBrowserClient();
        for (var i = 0; i < 5; i++)
        {
            await PortalFactory.PostFormAsync(client, "/login", new Dictionary<string, string> { ["Input.Login"] = email, ["Input.Password"] = $"wrong-{i}-password" });
        }

        var response = await PortalFactory.PostFormAsync(client, "/login", new Dictionary<string, string> { ["Input.Login"] = email, ["Input.Password"] = "Correct-Horse-Battery-9" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("locked", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/")]
    [InlineData("/healthz")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task The_session_cookie_is_http_only_and_same_site()
    {
        var client = portal.CreateBrowserClient();

        var response = await PortalFactory.PostFormAsync(client, "/login", new Dictionary<string, string> { ["Input.Login"] = DemoData.CustomerEmail, ["Input.Password"] = DemoData.Password });

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("portal=", StringComparison.Ordinal) || c.StartsWith("__Host-portal=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused()
    {
        var client = portal.CreateBrowserClient();

        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Login"] = DemoData.CustomerEmail, ["Input.Password"] = DemoData.Password }), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_open_redirect_through_the_return_url_is_refused()
    {
        var client = portal.CreateBrowserClient();

        var response = await PortalFactory.PostFormAsync(client, "/login?ReturnUrl=https%3A%2F%2Fevil.example%2F", new Dictionary<string, string>
        {
            ["Input.Login"] = DemoData.CustomerEmail,
            ["Input.Password"] = DemoData.Password,
            ["ReturnUrl"] = "https://evil.example/",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }
}
