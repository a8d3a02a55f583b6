using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.BrowserTests.Infrastructure;
using Portal.Data;

namespace Portal.BrowserTests.Features;

/// <summary>
/// Every page's browser tab names the page (and, on a detail page, the document), so that a person with
/// ten tabs open can tell them apart. The pages are read from the app's endpoints, so a new page is
/// checked the day it is added; a page with a route parameter this test cannot fill fails it.
/// </summary>
public sealed class PageTitleTests(BrowserFixture portal)
{
    // Not HTML pages, or pages reached only in the middle of a flow: checked elsewhere or not titled at all.
    private static readonly Dictionary<string, string> NotPages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/invoices/{number}/pdf"] = "a PDF",
        ["/invoices/{number}/attachments/{id:long}"] = "a file",
        ["/contracts/{number}/pdf"] = "a PDF",
        ["/quotes/{number}/pdf"] = "a PDF",
        ["/statements/pdf"] = "a PDF",
        ["/licenses/export"] = "a CSV file",
        ["/invoices/export"] = "a CSV file",
        ["/payments/export"] = "a CSV file",
        ["/credits/export"] = "a CSV file",
        ["/invoices/zip"] = "a ZIP of PDFs (InvoiceDownloadsBrowserTests)",
        ["/payments/{number}/pdf"] = "a PDF",
        ["/requests/files/{fileId:long}"] = "a file",
        ["/admin/requests/files/{fileId:long}"] = "a file",
        ["/usage/exports/{id}"] = "a download",
        ["/pay/done/{attemptId}"] = "the end of a payment (PayTests)",
        ["/logout"] = "signs out",
        ["/error/{status:int?}"] = "the error page (checked below with /error/404)",
    };

    [Fact]
    public async Task Every_page_title_names_the_page_and_no_two_pages_of_one_audience_share_one()
    {
        var operatorName = await portal.WithDbAsync(db => db.OperatorSettings.Select(s => s.Name).SingleAsync());
        var values = await DemoValuesAsync();
        var routes = Routes();
        var report = new StringBuilder();
        var titles = new Dictionary<string, List<(string Title, string Url)>>();
        var visited = 0;

        foreach (var audience in new[] { Audience.Anonymous, Audience.Customer, Audience.Staff })
        {
            var page = await portal.NewPageAsync();
            try
            {
                if (audience != Audience.Anonymous)
                {
                    await BrowserFixture.LoginAsync(page, audience == Audience.Staff ? DemoData.StaffEmail : DemoData.CustomerEmail);
                }

                var seen = titles[audience.ToString()] = [];
                foreach (var route in routes.Where(r => r.Audience == audience))
                {
                    if (NotPages.ContainsKey(route.Template))
                    {
                        continue;
                    }

                    var url = route.Template;
                    string? document = null;
                    if (url.Contains('{', StringComparison.Ordinal))
                    {
                        if (!values.TryGetValue(url, out var value))
                        {
                            report.AppendLine(CultureInfo.InvariantCulture, $"{url}: no demo value for its parameter; add one to {nameof(DemoValuesAsync)}.");
                            continue;
                        }

                        if (value is null)
                        {
                            continue; // the demo has no such document
                        }

                        (url, document) = (value.Value.Url, value.Value.Names);
                    }

                    var response = await page.GotoAsync(url);
                    // Pages reached only inside a flow send a bare visit elsewhere: their title is not theirs to judge.
                    if (response is null || response.Status != 200 || !SamePath(page.Url, url))
                    {
                        continue;
                    }

                    visited++;
                    var title = await page.EvaluateAsync<string>("document.title");
                    var heading = await page.Locator("h1").First.TextContentAsync() ?? "";
                    if (string.IsNullOrWhiteSpace(title) || title.Trim() == operatorName)
                    {
                        report.AppendLine(CultureInfo.InvariantCulture, $"{url} ({audience}): the title is only \"{title}\".");
                    }
                    else if (!title.EndsWith(" · " + operatorName, StringComparison.Ordinal))
                    {
                        report.AppendLine(CultureInfo.InvariantCulture, $"{url} ({audience}): the title \"{title}\" does not end with the operator's name.");
                    }

                    if (document is not null && !title.Contains(document, StringComparison.Ordinal))
                    {
                        report.AppendLine(CultureInfo.InvariantCulture, $"{url} ({audience}): the title \"{title}\" does not name the document ({document}).");
                    }

                    if (heading.Length == 0)
                    {
                        report.AppendLine(CultureInfo.InvariantCulture, $"{url} ({audience}): no h1.");
                    }

                    seen.Add((title, url));
                }
            }
            finally
            {
                await page.Context.CloseAsync();
            }
        }

        foreach (var (audience, seen) in titles)
        {
            foreach (var clash in seen.GroupBy(s => s.Title).Where(g => g.Count() > 1))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"{audience}: \"{clash.Key}\" is the title of {string.Join(", ", clash.Select(c => c.Url))}.");
            }
        }

        Assert.True(report.Length == 0, report.ToString());
        // The walk happened: the customer's lists and details and the console's pages were read.
        Assert.True(visited >= 40, $"Only {visited} pages were read.");
        Assert.Contains(titles[nameof(Audience.Customer)], t => t.Url.StartsWith("/invoices/", StringComparison.Ordinal));
        Assert.Contains(titles[nameof(Audience.Staff)], t => t.Url.StartsWith("/admin/accounts/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/invoices", "Invoices · ")]
    [InlineData("/invoices?culture=es", "Facturas · ")]
    [InlineData("/payments?culture=fr", "Paiements · ")]
    [InlineData("/error/404", "")]
    public async Task A_title_is_in_the_readers_language(string url, string start)
    {
        var page = await portal.NewPageAsync();
        try
        {
            await BrowserFixture.LoginAsync(page);
            await page.GotoAsync(url);

            var title = await page.EvaluateAsync<string>("document.title");

            Assert.StartsWith(start, title, StringComparison.Ordinal);
            Assert.Contains(" · ", title, StringComparison.Ordinal);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private enum Audience
    {
        Anonymous,
        Customer,
        Staff,
    }

    private sealed record Route(string Template, Audience Audience)
    {
        public string Page { get; init; } = "";
    }

    private List<Route> Routes()
    {
        var routes = new List<Route>();
        foreach (var endpoint in portal.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not { } descriptor)
            {
                continue;
            }

            var template = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var audience = template.StartsWith("/admin", StringComparison.OrdinalIgnoreCase) ? Audience.Staff
                : endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null ? Audience.Anonymous
                : Audience.Customer;
            routes.Add(new Route(template, audience) { Page = descriptor.ViewEnginePath });
        }

        // A folder's Index page answers at "/admin/invitations" and "/admin/invitations/index": one page, read once.
        return routes.OrderBy(r => r.Template.Length).DistinctBy(r => r.Page).OrderBy(r => r.Template, StringComparer.Ordinal).ToList();
    }

    /// <summary>For each route with parameters: a demo document's URL and what its title must name (null: the demo has none).</summary>
    private Task<Dictionary<string, (string Url, string Names)?>> DemoValuesAsync() => portal.WithDbAsync(async db =>
    {
        const string Own = "10001";
        var id = await db.Accounts.Where(a => a.Number == Own).Select(a => a.Id).FirstAsync();
        var invoice = await db.Invoices.Where(i => i.AccountId == id).OrderByDescending(i => i.IssueDate).ThenByDescending(i => i.Id).Select(i => i.Number).FirstAsync();
        var payment = await db.Payments.Where(p => p.AccountId == id).OrderByDescending(p => p.Id).Select(p => p.Number).FirstOrDefaultAsync();
        var order = await db.Orders.Where(o => o.AccountId == id).Select(o => o.Number).FirstOrDefaultAsync();
        var quote = await db.Quotes.Where(q => q.AccountId == id).Select(q => q.Number).FirstOrDefaultAsync();
        var contract = await db.Contracts.Where(c => c.AccountId == id).Select(c => c.Number).FirstOrDefaultAsync();
        var call = await db.ServiceCalls.Where(s => s.AccountId == id).Select(s => s.Number).FirstOrDefaultAsync();
        var dispute = await db.InvoiceDisputes.Where(d => d.AccountId == id).Select(d => d.Number).FirstOrDefaultAsync();
        var callOff = await db.CallOffs.Where(c => c.AccountId == id).Select(c => c.Number).FirstOrDefaultAsync();
        var account = await db.Accounts.Where(a => a.Number == Own).Select(a => a.Name).FirstAsync();
        var user = await db.Users.Where(u => u.Email == DemoData.CustomerEmail).Select(u => u.Id).FirstAsync();
        var mail = await db.EmailMessages.OrderBy(m => m.Id).Select(m => new { m.Id, m.Subject }).FirstOrDefaultAsync();
        var request = await db.CustomerRequests.OrderBy(r => r.Id).Select(r => new { r.Id, r.Number }).FirstOrDefaultAsync();
        var webhook = await db.WebhookSubscriptions.OrderBy(w => w.Id).Select(w => w.Name).FirstOrDefaultAsync();

        (string Url, string Names)? At(string prefix, string? value, string? names = null) =>
            value is null ? null : (prefix + Uri.EscapeDataString(value), names ?? value);

        return new Dictionary<string, (string Url, string Names)?>(StringComparer.OrdinalIgnoreCase)
        {
            ["/invoices/{number}"] = At("/invoices/", invoice),
            ["/invoices/{number}/dispute"] = (At("/invoices/", invoice)!.Value.Url + "/dispute", invoice),
            ["/payments/{number}"] = At("/payments/", payment),
            ["/orders/{number}"] = At("/orders/", order),
            ["/quotes/{number}"] = At("/quotes/", quote),
            ["/contracts/{number}"] = At("/contracts/", contract),
            ["/service-calls/{number}"] = At("/service-calls/", call),
            ["/disputes/{number}"] = At("/disputes/", dispute),
            ["/calloffs/{number}"] = At("/calloffs/", callOff),
            ["/admin/accounts/{number}"] = At("/admin/accounts/", Own, account),
            ["/admin/payments/{number}"] = At("/admin/payments/", payment),
            ["/admin/users/{id}"] = At("/admin/users/", user, DemoData.CustomerEmail),
            ["/admin/outbox/{id:long}"] = mail is null ? null : ($"/admin/outbox/{mail.Id}", mail.Subject),
            ["/admin/requests/{id:long}"] = request is null ? null : ($"/admin/requests/{request.Id}", request.Number),
            ["/admin/webhooks/{name}"] = At("/admin/webhooks/", webhook),
        };
    });

    private static bool SamePath(string actual, string requested) =>
        new Uri(actual).AbsolutePath.TrimEnd('/').Equals(requested.Split('?')[0].TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
