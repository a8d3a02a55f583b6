using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The portal in memory, on a database of its own, seeded with the demo data. One instance is shared
/// by the whole assembly; a test that changes data creates its own rows (or its own factory).
/// </summary>
public sealed partial class PortalFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Create();

    public DatabaseProvider Provider => _database.Provider;

    public string ConnectionString => _database.ConnectionString;

    /// <summary>Extra configuration for a factory of one's own (e.g. a feature switched off).</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    /// <summary>
    /// Starts the host once, before any test runs: WebApplicationFactory's lazy start is not safe when
    /// parallel tests touch it first, and two hosts would seed one database twice.
    /// </summary>
    public ValueTask InitializeAsync()
    {
        _ = Server;
        return ValueTask.CompletedTask;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", _database.Provider.ToString());
        builder.UseSetting("ConnectionStrings:Portal", _database.ConnectionString);
        builder.UseSetting("Security:SecureCookies", "false");
        builder.UseSetting("DemoData:Enabled", "true");
        // Background workers would race the tests' own reads; a test that wants them runs its own factory.
        builder.UseSetting("Workers:Enabled", "false");
        // Hundreds of logins from one address: rate limits are tested by a factory of their own.
        builder.UseSetting("RateLimits:Enabled", "false");
        // The tests' webhook receivers listen on loopback, which the address guard refuses unless allowed.
        builder.UseSetting("Webhooks:AllowedInternalHosts:0", "127.0.0.1");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A scope for reading or arranging data directly.</summary>
    public async Task<T> WithDbAsync<T>(Func<PortalDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PortalDb>());
    }

    public Task WithDbAsync(Func<PortalDb, Task> work) => WithDbAsync(async db =>
    {
        await work(db);
        return true;
    });

    /// <summary>A browser-like client: keeps cookies, does not follow redirects (tests assert them).</summary>
    public HttpClient CreateBrowserClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A client already logged in as the given user.</summary>
    public async Task<HttpClient> LoginAsync(string email, string password = DemoData.Password)
    {
        var client = CreateBrowserClient();
        var response = await PostFormAsync(client, "/login", new Dictionary<string, string>
        {
            ["Input.Login"] = email,
            ["Input.Password"] = password,
        });
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Login as {email} failed: {(int)response.StatusCode}.");
        }

        return client;
    }

    /// <summary>GETs the page, takes its antiforgery token, and posts the form to the same URL.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string url, IDictionary<string, string> fields, string? formPageUrl = null)
    {
        var token = await GetAntiforgeryTokenAsync(client, formPageUrl ?? url);
        var content = new FormUrlEncodedContent(fields.Append(new KeyValuePair<string, string>("__RequestVerificationToken", token)));
        return await client.PostAsync(url, content);
    }

    public static async Task<string> GetAntiforgeryTokenAsync(HttpClient client, string url)
    {
        var html = await client.GetStringAsync(url);
        var match = AntiforgeryField().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"No antiforgery token on {url}.");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _database.Dispose();
        }
    }

    public async Task ResetSqlitePoolsAsync()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            await WithDbAsync(db => db.Database.CloseConnectionAsync());
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
