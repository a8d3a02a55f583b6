using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data;

namespace Portal.BrowserTests.Infrastructure;

/// <summary>
/// The real portal on Kestrel, on a loopback port of its own and a SQLite file of its own with the
/// demo data, and Debian's Chromium driven by Playwright. One for the whole assembly.
/// </summary>
public sealed class BrowserFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>
    /// How a test waits for the page it navigated to: until its HTML is parsed, not until its load event (every
    /// stylesheet and script fetched too), which the tests never need and which a loaded CI machine delayed past
    /// the timeout with the URL already right (a payment's confirm, a statement).
    /// </summary>
    public static readonly PageWaitForURLOptions Parsed = new() { WaitUntil = WaitUntilState.DOMContentLoaded };

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private readonly string _databaseFile = Path.Combine(Path.GetTempPath(), $"portal-browser-{Guid.NewGuid():N}.db");
    private readonly string _mailFolder = Directory.CreateTempSubdirectory("portal-browser-mail-").FullName;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Where the portal listens, e.g. http://127.0.0.1:40123.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The pickup folder the portal's e-mail sender writes each message to, as an .eml file.</summary>
    public string MailFolder => _mailFolder;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser fixture is not initialised.");

    public async ValueTask InitializeAsync()
    {
        // A missing browser is a failure with the fix in it, never a skip.
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: the browser tests drive Debian's Chromium. Run ./test.sh (it installs chromium and poppler-utils).");
        }

        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => a.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal))
            .First();

        // Web-first assertions wait as long as actions do (the context's 15 s), not Playwright's 5 s default: on a loaded
        // two-core CI machine a form post, its redirect and the page drawn again took longer than 5 s (an order pad test).
        Assertions.SetDefaultExpectTimeout(15_000);

        // Playwright ships its node driver in the package; it must never fetch a browser of its own.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });

        await WarmUpAsync();
    }

    /// <summary>
    /// Signs the demo customer in once and opens the overview over plain HTTP before any test runs: the
    /// first login of a fresh process compiles the sign-in, the session store and the overview, which on
    /// a loaded two-core CI machine took longer than a test's 15 s wait (a clean-clone run timed out there).
    /// </summary>
    private async Task WarmUpAsync()
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(BaseUrl),
            Timeout = TimeSpan.FromSeconds(120),
        };
        var form = await http.GetStringAsync(new Uri("/login", UriKind.Relative));
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Login"] = DemoData.CustomerEmail,
            ["Input.Password"] = DemoData.Password,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
        });
        using var login = await http.PostAsync(new Uri("/login", UriKind.Relative), content);
        if (login.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"The warm-up login answered {(int)login.StatusCode}, not a redirect.");
        }

        using var overview = await http.GetAsync(new Uri("/", UriKind.Relative));
        overview.EnsureSuccessStatusCode();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", nameof(DatabaseProvider.Sqlite));
        builder.UseSetting("ConnectionStrings:Portal", $"Data Source={_databaseFile}");
        builder.UseSetting("Security:SecureCookies", "false");
        builder.UseSetting("DemoData:Enabled", "true");
        // Every test logs in from 127.0.0.1: the login rate limit would answer 429 (RateLimitTests cover it).
        builder.UseSetting("RateLimits:Enabled", "false");
        // Mail arrives as files a test can open, as a person opens their mailbox.
        builder.UseSetting("Email:PickupDirectory", _mailFolder);
        // A demo billing period holds a few hundred usage records: below the default 1,000 an export
        // would download at once, and the e-mailed one (the background worker) would go untested.
        builder.UseSetting("UsageExports:ImmediateRows", "50");
    }

    /// <summary>A fresh browser context (its own cookies) and page, with the portal as base URL.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
            Locale = "en-US",
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Logs in through the form, as a person would, and waits for the overview.</summary>
    public static async Task LoginAsync(IPage page, string email = DemoData.CustomerEmail, string password = DemoData.Password)
    {
        await page.GotoAsync("/login");
        await page.Locator("input[name='Input.Login']").FillAsync(email);
        await page.Locator("input[name='Input.Password']").FillAsync(password);
        await page.Locator("input[name='Input.Password']").PressAsync("Enter");
        await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/login", StringComparison.OrdinalIgnoreCase), Parsed);
    }

    /// <summary>Reads the portal's database, e.g. to learn the number of the invoice to open.</summary>
    public async Task<T> WithDbAsync<T>(Func<PortalDb, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<PortalDb>());
    }

    public override async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_databaseFile + suffix);
        }

        Directory.Delete(_mailFolder, recursive: true);
    }

    /// <summary>The newest invoice of the demo customer's first account (Bayside 10001).</summary>
    public Task<string> LatestInvoiceNumberAsync() => WithDbAsync(db =>
        db.Invoices.AsNoTracking()
            .Where(i => i.Account!.Number == "10001")
            .OrderByDescending(i => i.IssueDate).ThenByDescending(i => i.Id)
            .Select(i => i.Number)
            .FirstAsync());
}
