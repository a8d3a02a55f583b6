using System.Net;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Admin.Staff;
using Portal.Features.Webhooks;
using Portal.Infrastructure.Email;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>
/// Walks every console route the app maps (read from its EndpointDataSource, so a new /admin page is
/// covered the day it is added): a customer gets 404 everywhere, support staff 403 where an
/// administrator role is declared and 200 elsewhere, an administrator 200. A route parameter this test
/// cannot fill fails the test: teach <see cref="ValueAsync"/> about it.
/// </summary>
public sealed class StaffRoleWalkTests(PortalFactory portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_customer_gets_not_found_on_every_console_route()
    {
        var routes = await DiscoverAsync();
        var customer = await portal.LoginAsync(DemoData.CustomerEmail);
        var problems = new List<string>();
        foreach (var route in routes)
        {
            var url = await UrlAsync(route);
            var response = route.Method == "GET"
                ? await customer.GetAsync(url, Ct)
                : await customer.PostAsync(url, new FormUrlEncodedContent([]), Ct);
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                problems.Add($"{route.Method} {url}: {(int)response.StatusCode}");
            }
        }

        Assert.True(routes.Count > 10, "The walk found too few console routes.");
        Assert.Empty(problems);
    }

    [Fact]
    public async Task Support_staff_get_forbidden_on_administrator_routes_and_the_rest_opens()
    {
        var routes = await DiscoverAsync();
        var support = await portal.LoginAsync(DemoData.SupportEmail);
        var token = await PortalFactory.GetAntiforgeryTokenAsync(support, "/logout");
        var problems = new List<string>();
        var forbidden = 0;
        foreach (var route in routes)
        {
            var url = await UrlAsync(route);
            var administratorOnly = !StaffRoles.Allows(route.Declared, StaffRole.Support);
            if (route.Method != "GET" && !administratorOnly)
            {
                // A support action changes data; its own tests cover it.
                continue;
            }

            var response = route.Method == "GET"
                ? await support.GetAsync(url, Ct)
                : await support.PostAsync(url, new FormUrlEncodedContent([new("__RequestVerificationToken", token)]), Ct);
            var expected = administratorOnly ? HttpStatusCode.Forbidden : HttpStatusCode.OK;
            if (response.StatusCode != expected)
            {
                problems.Add($"{route.Method} {url}: {(int)response.StatusCode}, expected {(int)expected}");
            }

            if (administratorOnly)
            {
                forbidden++;
                var body = await response.Content.ReadAsStringAsync(Ct);
                Assert.Contains("Your staff role does not allow this", body, StringComparison.Ordinal);
            }
        }

        Assert.Empty(problems);
        Assert.True(forbidden >= 12, $"Only {forbidden} administrator routes were found.");
    }

    [Fact]
    public async Task An_administrator_opens_every_console_page()
    {
        var routes = await DiscoverAsync();
        var administrator = await portal.LoginAsync(DemoData.StaffEmail);
        var problems = new List<string>();
        foreach (var route in routes.Where(r => r.Method == "GET"))
        {
            var url = await UrlAsync(route);
            var response = await administrator.GetAsync(url, Ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                problems.Add($"GET {url}: {(int)response.StatusCode}");
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void Roles_are_evaluated_from_the_declared_attributes()
    {
        object[] administrator = [new RequiresStaffRoleAttribute(StaffRole.Administrator)];
        Assert.True(StaffRoles.Allows([], StaffRole.Support));
        Assert.True(StaffRoles.Allows(administrator, StaffRole.Administrator));
        Assert.False(StaffRoles.Allows(administrator, StaffRole.Support));
        Assert.False(StaffRoles.Allows(administrator, null));
        Assert.True(StaffRoles.Allows([new RequiresStaffRoleAttribute(StaffRole.Support)], StaffRole.Administrator));
    }

    private async Task<string> UrlAsync(Route route)
    {
        var path = "";
        foreach (var segment in route.Pattern.PathSegments)
        {
            path += "/";
            foreach (var part in segment.Parts)
            {
                path += part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternParameterPart parameter => Uri.EscapeDataString(await ValueAsync(route.Pattern.RawText!.TrimStart('/'), parameter.Name)),
                    _ => "",
                };
            }
        }

        return route.Handler is null ? path : $"{path}?handler={route.Handler}";
    }

    private Task<string> ValueAsync(string pattern, string parameter) => (pattern, parameter) switch
    {
        ("admin/accounts/{number}", "number") => Task.FromResult("10001"),
        ("admin/users/{id}", "id") => portal.WithDbAsync(db => db.Users.Where(u => u.Email == DemoData.CustomerEmail).Select(u => u.Id).SingleAsync()),
        ("admin/outbox/{id:long}", "id") => portal.WithDbAsync(async db =>
        {
            var message = new EmailMessage { To = "walk@example.com", Subject = "Walk", TextBody = "Walk", Kind = "walk", CreatedAt = DateTime.UtcNow, NextAttemptAt = DateTime.UtcNow.AddYears(1) };
            db.EmailMessages.Add(message);
            await db.SaveChangesAsync();
            return message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }),
        ("admin/webhooks/{name}", "name") => portal.WithDbAsync(async db =>
        {
            var now = DateTime.UtcNow;
            var subscription = new WebhookSubscription { Name = "walk-" + Guid.NewGuid().ToString("N")[..8], Url = "https://billing.example.com/hook", EventTypes = "*", ProtectedSecret = "x", Active = false, CreatedAt = now, UpdatedAt = now };
            db.WebhookSubscriptions.Add(subscription);
            await db.SaveChangesAsync();
            return subscription.Name;
        }),
        ("admin/payments/{number}", "number") => portal.WithDbAsync(db => db.Payments.OrderBy(p => p.Id).Select(p => p.Number).FirstAsync()),
        ("admin/requests/{id:long}", "id") => portal.WithDbAsync(async db =>
            (await db.CustomerRequests.OrderBy(r => r.Id).Select(r => r.Id).FirstAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("admin/requests/files/{fileId:long}", "fileId") => portal.WithDbAsync(async db =>
        {
            var request = await db.CustomerRequests.OrderBy(r => r.Id).Select(r => r.Id).FirstAsync();
            var file = new Portal.Features.Requests.RequestAttachment
            {
                RequestId = request,
                FileName = "walk.pdf",
                ContentType = "application/pdf",
                Length = 8,
                CreatedAt = DateTime.UtcNow,
                Content = new Portal.Features.Requests.RequestAttachmentContent { Bytes = "%PDF-1.4"u8.ToArray() },
            };
            db.RequestAttachments.Add(file);
            await db.SaveChangesAsync();
            return file.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }),
        _ => throw new InvalidOperationException($"The walk cannot fill {{{parameter}}} of /{pattern}: add it to ValueAsync."),
    };

    private async Task<List<Route>> DiscoverAsync()
    {
        var endpoints = portal.Services.GetRequiredService<EndpointDataSource>().Endpoints;
        var loader = portal.Services.GetRequiredService<PageLoader>();
        var routes = new List<Route>();
        foreach (var endpoint in endpoints.OfType<RouteEndpoint>())
        {
            var raw = (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (!raw.Equals("admin", StringComparison.OrdinalIgnoreCase) && !raw.StartsWith("admin/", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var onEndpoint = endpoint.Metadata.OfType<RequiresStaffRoleAttribute>().Cast<object>().ToList();
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                foreach (var handler in compiled.HandlerMethods)
                {
                    var declared = onEndpoint.Concat(handler.MethodInfo.GetCustomAttributes(typeof(RequiresStaffRoleAttribute), inherit: true)).ToList();
                    routes.Add(new Route(endpoint.RoutePattern, handler.HttpMethod.ToUpperInvariant(), handler.Name, declared));
                }

                continue;
            }

            foreach (var verb in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                routes.Add(new Route(endpoint.RoutePattern, verb, null, onEndpoint));
            }
        }

        return routes;
    }

    private sealed record Route(RoutePattern Pattern, string Method, string? Handler, IReadOnlyList<object> Declared);
}
