using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// Every route the app maps (pages and endpoints, read from its EndpointDataSource) with every HTTP
/// method, signed out, as a customer and as staff, forms posted with a valid antiforgery token: never a
/// 5xx, and a method no handler of the page takes is refused (405 with Allow), never rendered with an
/// empty model. On a portal of its own: the posts run real handlers with empty forms.
/// </summary>
public sealed class MethodWalkTests : IAsyncLifetime
{
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    private readonly PortalFactory _portal = new();

    public ValueTask InitializeAsync() => _portal.InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        await _portal.ResetSqlitePoolsAsync();
        await _portal.DisposeAsync();
    }

    [Fact]
    public async Task Every_route_with_every_method_answers_below_500_and_unhandled_methods_are_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var routes = await DiscoverAsync(ct);
        var problems = new List<string>();
        var requests = 0;

        // Staff last: its empty posts to the console may switch things off for the others.
        foreach (var identity in new[] { "anonymous", DemoData.CustomerEmail, DemoData.StaffEmail })
        {
            var client = await SignInAsync(identity);
            var token = await TokenAsync(client, ct);
            foreach (var route in routes)
            {
                foreach (var method in Methods)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), route.Url);
                    if (method is not "GET" and not "HEAD" and not "OPTIONS")
                    {
                        request.Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]);
                    }

                    using var response = await client.SendAsync(request, ct);
                    requests++;
                    var status = (int)response.StatusCode;
                    if (status >= 500)
                    {
                        problems.Add($"{identity}: {method} {route.Url} answered {status}");
                    }
                    // Signed out, a protected page sends OPTIONS to the login page like any other method.
                    else if (method == "OPTIONS" && route.PageMethods is not null && status is >= 200 and < 300 && (status != 204 || !response.Content.Headers.Allow.Any()))
                    {
                        problems.Add($"{identity}: OPTIONS {route.Url} answered {status}, expected 204 with Allow");
                    }
                    else if (route.PageMethods is { } handled && !handled.Contains(method == "HEAD" ? "GET" : method) && method != "OPTIONS" && status is >= 200 and < 300)
                    {
                        problems.Add($"{identity}: {method} {route.Url} answered {status}, but the page has no handler for {method} (expected 405)");
                    }
                    else if (status == 405 && !response.Content.Headers.Allow.Any() && route.PageMethods is not null)
                    {
                        problems.Add($"{identity}: {method} {route.Url} answered 405 without an Allow header");
                    }
                }

                // A post may have signed the client out (log out, sign out everywhere): sign in again.
                if (identity != "anonymous" && !await StillSignedInAsync(client, identity, ct))
                {
                    client = await SignInAsync(identity);
                    token = await TokenAsync(client, ct);
                }
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} of {requests} requests failed the walk:\n  " + string.Join("\n  ", problems));
        Assert.Contains(routes, r => r.Url == "/" && r.PageMethods is not null);
        Assert.Contains(routes, r => r.Url.StartsWith("/api/", StringComparison.Ordinal));
        Assert.True(requests > 500, $"only {requests} requests");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/invoices/{invoice}")]
    [InlineData("/payments/{payment}")]
    [InlineData("/invoices")]
    public async Task A_post_with_a_valid_token_to_a_page_with_only_get_is_405_with_allow(string template)
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await SignInAsync(DemoData.CustomerEmail);
        var url = await FillAsync(template, ct);
        var token = await TokenAsync(client, ct);

        var response = await client.PostAsync(url, new FormUrlEncodedContent([new("__RequestVerificationToken", token)]), ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
        Assert.DoesNotContain("POST", response.Content.Headers.Allow);
    }

    private async Task<HttpClient> SignInAsync(string identity) =>
        identity == "anonymous" ? _portal.CreateBrowserClient() : await _portal.LoginAsync(identity);

    private static async Task<bool> StillSignedInAsync(HttpClient client, string identity, CancellationToken ct)
    {
        using var response = await client.GetAsync(identity == DemoData.StaffEmail ? "/admin" : "/settings", ct);
        return response.StatusCode == HttpStatusCode.OK;
    }

    // The login page carries a token for anyone, signed in or not (it redirects a signed-in user, so
    // the error page's form is not there: the logout page has one for signed-in users).
    private static async Task<string> TokenAsync(HttpClient client, CancellationToken ct)
    {
        using var login = await client.GetAsync("/login", ct);
        var url = login.StatusCode == HttpStatusCode.OK ? "/login" : "/logout";
        return await PortalFactory.GetAntiforgeryTokenAsync(client, url);
    }

    private sealed record Route(string Url, HashSet<string>? PageMethods);

    /// <summary>Every route endpoint, with its parameters filled with the demo customer's own values.</summary>
    private async Task<List<Route>> DiscoverAsync(CancellationToken ct)
    {
        var endpoints = _portal.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        var loader = _portal.Services.GetRequiredService<PageLoader>();
        var routes = new Dictionary<string, Route>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            var url = await UrlOfAsync(endpoint.RoutePattern, ct);
            if (url is null)
            {
                continue;
            }

            HashSet<string>? pageMethods = null;
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                pageMethods = compiled.HandlerMethods.Where(h => h.Name is null).Select(h => h.HttpMethod.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
                if (compiled.HandlerMethods.Count == 0)
                {
                    pageMethods = ["GET"];
                }
            }

            routes.TryAdd(url, new Route(url, pageMethods));
        }

        return [.. routes.Values];
    }

    private async Task<string?> UrlOfAsync(RoutePattern pattern, CancellationToken ct)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            var text = new StringBuilder();
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        text.Append(literal.Content);
                        break;
                    case RoutePatternSeparatorPart separator:
                        text.Append(separator.Content);
                        break;
                    case RoutePatternParameterPart parameter when parameter.IsOptional || parameter.Default is not null:
                        break;
                    case RoutePatternParameterPart parameter:
                        var preceding = string.Concat(pattern.PathSegments.TakeWhile(s => s != segment).LastOrDefault()?.Parts.OfType<RoutePatternLiteralPart>().Select(l => l.Content) ?? []);
                        text.Append(Uri.EscapeDataString(await ValueAsync(preceding, parameter.Name, ct)));
                        break;
                }
            }

            if (text.Length > 0)
            {
                path.Append('/').Append(text);
            }
        }

        return path.Length == 0 ? "/" : path.ToString();
    }

    private Task<string> FillAsync(string template, CancellationToken ct) => template switch
    {
        "/invoices/{invoice}" => ValueAsync("invoices", "number", ct).ContinueWith(t => "/invoices/" + t.Result, ct, TaskContinuationOptions.None, TaskScheduler.Default),
        "/payments/{payment}" => ValueAsync("payments", "number", ct).ContinueWith(t => "/payments/" + t.Result, ct, TaskContinuationOptions.None, TaskScheduler.Default),
        _ => Task.FromResult(template),
    };

    /// <summary>A real value of the demo customer's account (Bayside 10001) for a route parameter, "1" when none fits.</summary>
    private Task<string> ValueAsync(string resource, string name, CancellationToken ct) => _portal.WithDbAsync(async db =>
    {
        var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Number == "10001", ct);
        var lower = name.ToLowerInvariant();
        var invoices = db.Invoices.AsNoTracking().Where(i => i.AccountId == account.Id).OrderBy(i => i.Id);
        string? value = (resource.ToLowerInvariant(), lower) switch
        {
            (_, "status") => "404",
            ("invoices", "number") or (_, "invoicenumber") => await invoices.Select(i => i.Number).FirstOrDefaultAsync(ct),
            ("payments", "number") or (_, "paymentnumber") => await db.Payments.AsNoTracking().Where(p => p.AccountId == account.Id).OrderBy(p => p.Id).Select(p => p.Number).FirstOrDefaultAsync(ct),
            ("credits", "number") => await db.CreditMemos.AsNoTracking().Where(c => c.AccountId == account.Id).OrderBy(c => c.Id).Select(c => c.Number).FirstOrDefaultAsync(ct),
            ("accounts", "number") or ("accounts", "accountnumber") => account.Number,
            ("accounts", "externalid") or (_, "accountexternalid") => account.ExternalId,
            (_, "externalid") => "EXT-" + account.Number,
            ("attachments", "id") => (await db.InvoiceAttachments.AsNoTracking().Select(a => (long?)a.Id).FirstOrDefaultAsync(ct))?.ToString(CultureInfo.InvariantCulture),
            ("lines", "id") => (await db.InvoiceLines.AsNoTracking().Where(l => invoices.Select(i => i.Id).Contains(l.InvoiceId)).Select(l => (long?)l.Id).FirstOrDefaultAsync(ct))?.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        return value ?? "1";
    });
}
