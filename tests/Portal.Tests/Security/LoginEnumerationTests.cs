using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// Nothing in the login form's answers tells whether a login exists: an unknown login that fails as
/// often as a locked-out one gets the same text, in comparable time; and the per-login rate limit
/// counts a login as the page resolves it, so differently written phone numbers share one limit.
/// </summary>
public sealed partial class LoginEnumerationTests(PortalFactory portal)
{
    [Fact]
    public async Task A_locked_out_login_and_an_unknown_login_get_the_same_answer_in_comparable_time()
    {
        var ct = TestContext.Current.CancellationToken;
        var known = $"lockout-enum-{Guid.NewGuid():N}@example.com";
        var unknown = $"nobody-{Guid.NewGuid():N}@example.com";
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            Assert.True((await users.CreateAsync(new PortalUser { UserName = known, Email = known, EmailConfirmed = true }, AuthFlowData.StrongPassword)).Succeeded);
        }

        var client = portal.CreateBrowserClient();
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, "/login");
        async Task<(string Error, TimeSpan Took)> FailAsync(string login, string password)
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.PostAsync("/login", new FormUrlEncodedContent(
                [new("Input.Login", login), new("Input.Password", password), new("__RequestVerificationToken", token)]), ct);
            var took = watch.Elapsed;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var match = ErrorText().Match(await response.HtmlAsync());
            Assert.True(match.Success, "no error shown");
            return (match.Groups[1].Value.Trim(), took);
        }

        // Six failures each: the known login is locked after the fifth.
        var knownAnswers = new List<(string Error, TimeSpan Took)>();
        var unknownAnswers = new List<(string Error, TimeSpan Took)>();
        for (var i = 0; i < 6; i++)
        {
            knownAnswers.Add(await FailAsync(known, $"wrong-{i}-password"));
            unknownAnswers.Add(await FailAsync(unknown, $"wrong-{i}-password"));
        }

        // Locked, even the right password gets the same answer as an unknown login.
        var lockedRight = await FailAsync(known, AuthFlowData.StrongPassword);
        var lockedTimes = new List<TimeSpan> { lockedRight.Took };
        var unknownTimes = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            lockedTimes.Add((await FailAsync(known, AuthFlowData.StrongPassword)).Took);
            unknownTimes.Add((await FailAsync(unknown, AuthFlowData.StrongPassword)).Took);
        }

        Assert.Equal(unknownAnswers.Select(a => a.Error), knownAnswers.Select(a => a.Error));
        Assert.Equal(unknownAnswers[^1].Error, lockedRight.Error);
        Assert.Contains("locked", lockedRight.Error, StringComparison.Ordinal);
        Assert.Contains("login.locked_out", await portal.ActionsAsync(known));
        // A locked login used to be refused before any password hash: several times faster than an
        // unknown one, which hashes. Medians within a factor of three of each other.
        var locked = Median(lockedTimes);
        var missing = Median(unknownTimes);
        Assert.True(locked * 3 > missing && missing * 3 > locked, $"locked {locked.TotalMilliseconds} ms, unknown {missing.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task The_per_login_rate_limit_counts_a_phone_number_however_it_is_written()
    {
        await using var limited = new PortalFactory();
        limited.Settings["RateLimits:Enabled"] = "true";
        limited.Settings["RateLimits:PermitLimit"] = "3";
        limited.Settings["RateLimits:WindowSeconds"] = "60";
        await limited.InitializeAsync();
        var ct = TestContext.Current.CancellationToken;
        // Each attempt from an address of its own, so that only the per-login limit can refuse.
        var host = limited.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, ClientAddressFromHeader>()));
        var spellings = new[] { "(555) 010-4477", "555.010.4477", " 5550104477 ", "555 010 4477" };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < spellings.Length; i++)
        {
            var client = host.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
            client.DefaultRequestHeaders.Add(ClientAddressFromHeader.Header, $"198.51.100.{i + 1}");
            var token = await PortalFactory.GetAntiforgeryTokenAsync(client, "/login");
            using var response = await client.PostAsync("/login", new FormUrlEncodedContent(
                [new("Input.Login", spellings[i]), new("Input.Password", "wrong-password-here"), new("__RequestVerificationToken", token)]), ct);
            statuses.Add(response.StatusCode);
        }

        var email = new List<HttpStatusCode>();
        foreach (var (spelling, i) in new[] { "Someone@Example.com", "someone@example.com ", " SOMEONE@EXAMPLE.COM", "someone@example.COM" }.Select((s, i) => (s, i)))
        {
            var client = host.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
            client.DefaultRequestHeaders.Add(ClientAddressFromHeader.Header, $"198.51.100.{i + 101}");
            var token = await PortalFactory.GetAntiforgeryTokenAsync(client, "/login");
            using var response = await client.PostAsync("/login", new FormUrlEncodedContent(
                [new("Input.Login", spelling), new("Input.Password", "wrong-password-here"), new("__RequestVerificationToken", token)]), ct);
            email.Add(response.StatusCode);
        }

        await host.DisposeAsync();
        await limited.ResetSqlitePoolsAsync();
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], email);
    }

    [Theory]
    [InlineData("(555) 010-4477", "tel:5550104477")]
    [InlineData("+1 555 010 4477", "tel:15550104477")]
    [InlineData(" Someone@Example.COM ", "SOMEONE@EXAMPLE.COM")]
    [InlineData("12-34", "12-34")]
    public void A_login_is_keyed_as_the_page_resolves_it(string login, string key) => Assert.Equal(key, LoginNames.Key(login));

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    [GeneratedRegex("id=\"login-error\">(.*?)</div>", RegexOptions.Singleline)]
    private static partial Regex ErrorText();

    /// <summary>Sets the connection's remote address from a header, so that one test host can speak from several addresses.</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public const string Header = "X-Test-Client-Address";

        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use(nextMiddleware => http =>
            {
                if (System.Net.IPAddress.TryParse(http.Request.Headers[Header].ToString(), out var address))
                {
                    http.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(http);
            });
            next(app);
        };
    }
}
