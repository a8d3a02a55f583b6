using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Settings;

/// <summary>Helpers for the account-security tests: users of their own, logins, cookies, TOTP codes, a clock.</summary>
public static partial class AccountTestKit
{
    public const string Password = "Lantern-Orbit-5521";

    public const string CookieName = "portal";

    public static string NewEmail(string prefix) => $"{prefix}-{Guid.NewGuid():N}@example.com";

    /// <summary>A user of the test's own, optionally a member of the demo account with the given number.</summary>
    public static async Task<string> CreateUserAsync(WebApplicationFactory<Program> factory, string email, string? accountNumber = null, Permissions permissions = Permissions.View | Permissions.SeeMoney)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Test User", CreatedAt = DateTime.UtcNow };
        var result = await users.CreateAsync(user, Password);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        if (accountNumber is not null)
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
            var accountId = await db.Accounts.Where(a => a.Number == accountNumber).Select(a => a.Id).SingleAsync();
            db.Memberships.Add(new Membership { UserId = user.Id, AccountId = accountId, Permissions = permissions, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        return user.Id;
    }

    public static HttpClient Browser(WebApplicationFactory<Program> factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Posts the login form; the response is the redirect (home, or the second step).</summary>
    public static Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password = Password) =>
        PortalFactory.PostFormAsync(client, "/login", new Dictionary<string, string> { ["Input.Login"] = email, ["Input.Password"] = password });

    /// <summary>A logged-in browser, and its session cookie as a "name=value" pair to replay elsewhere.</summary>
    public static async Task<(HttpClient Client, string Cookie)> LoginAsync(WebApplicationFactory<Program> factory, string email, string password = Password)
    {
        var client = Browser(factory);
        var response = await PostLoginAsync(client, email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return (client, SessionCookie(response));
    }

    public static string SessionCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie")
            .Select(c => c.Split(';')[0])
            .Single(c => c.StartsWith(CookieName + "=", StringComparison.Ordinal));

    /// <summary>A bare client that sends only the given cookie: a stolen or kept copy of it.</summary>
    public static HttpClient WithCookie(WebApplicationFactory<Program> factory, string cookie)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    /// <summary>Asserts that a request with this client reaches a signed-in page (true) or is sent to log in (false).</summary>
    public static async Task<bool> IsSignedInAsync(HttpClient client)
    {
        var response = await client.GetAsync("/settings", TestContext.Current.CancellationToken);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return true;
        }

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.OriginalString.Replace("http://localhost", "", StringComparison.Ordinal), StringComparison.Ordinal);
        return false;
    }

    public static async Task<T> WithUsersAsync<T>(WebApplicationFactory<Program> factory, Func<UserManager<PortalUser>, PortalDb, Task<T>> work)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>(), scope.ServiceProvider.GetRequiredService<PortalDb>());
    }

    /// <summary>RFC 6238 (SHA-1, 6 digits, 30 s), written here independently of the app's code.</summary>
    public static string TotpCode(string base32Key, DateTimeOffset at)
    {
        var key = FromBase32(base32Key);
        var counter = BitConverter.GetBytes(at.ToUnixTimeSeconds() / 30);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }

        using var hmac = new HMACSHA1(key);
        var hash = hmac.ComputeHash(counter);
        var offset = hash[^1] & 0xF;
        var value = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (value % 1_000_000).ToString("000000", CultureInfo.InvariantCulture);
    }

    private static byte[] FromBase32(string text)
    {
        var clean = text.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var bits = string.Concat(clean.Select(c => Convert.ToString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".IndexOf(c, StringComparison.Ordinal), 2).PadLeft(5, '0')));
        return Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
    }

    public static string SharedKeyFrom(string html) => WebUtility.HtmlDecode(SharedKey().Match(html).Groups[1].Value);

    public static IReadOnlyList<string> RecoveryCodesFrom(string html) =>
        RecoveryCode().Matches(html).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex("id=\"shared-key\">([^<]+)<")]
    private static partial Regex SharedKey();

    [GeneratedRegex("<li><code>([A-Z0-9-]+)</code></li>")]
    private static partial Regex RecoveryCode();
}
