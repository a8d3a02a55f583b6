using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Accounts;
using Portal.Features.Requests;
using Portal.Features.ServiceCalls;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.ServiceCalls;

public sealed class ServiceCallPortalTests(PortalFactory portal)
{
    private const Permissions Caller = Permissions.View | Permissions.ServiceCalls;

    internal static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    [Fact]
    public async Task Opening_commenting_and_closing_a_call_writes_the_thread_files_and_events_together()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Caller);
        var client = await portal.LoginAsync(account.Email);

        var opened = await PostAsync(client, "/service-calls/new", "/service-calls/new", new() { ["Subject"] = "Lift will not start", ["Description"] = "Error E12", ["Equipment"] = "Boom lift #3", ["Priority"] = "High" }, ("Files", "error.png", Png));
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        var number = opened.Headers.Location!.OriginalString.Split('/')[^1];
        var page = await client.GetStringAsync("/service-calls/" + number, ct);
        Assert.Contains("Lift will not start", page, StringComparison.Ordinal);
        Assert.Contains("error.png", page, StringComparison.Ordinal);

        var commented = await PostAsync(client, $"/service-calls/{number}?handler=Comment", "/service-calls/" + number, new() { ["Body"] = "Still broken <b>today</b>" });
        Assert.Equal(HttpStatusCode.Redirect, commented.StatusCode);
        Assert.Contains("Still broken &lt;b&gt;today&lt;/b&gt;", await client.GetStringAsync("/service-calls/" + number, ct), StringComparison.Ordinal);
        var closed = await PostAsync(client, $"/service-calls/{number}?handler=Close", "/service-calls/" + number, []);
        Assert.Equal(HttpStatusCode.Redirect, closed.StatusCode);

        await portal.WithDbAsync(async db =>
        {
            var call = await db.ServiceCalls.AsNoTracking().SingleAsync(c => c.Number == number, ct);
            Assert.Equal((ServiceCallPriority.High, ServiceCallStatus.Closed), (call.Priority, call.Status));
            var entry = await db.CustomerRequests.AsNoTracking().SingleAsync(r => r.Kind == RequestKind.ServiceCall && r.SubjectId == call.Id, ct);
            Assert.Equal(("closed", false, account.Id), (entry.Status, entry.IsOpen, entry.AccountId));
            var file = await db.RequestAttachments.AsNoTracking().SingleAsync(a => a.RequestId == entry.Id, ct);
            Assert.Equal(("error.png", "image/png"), (file.FileName, file.ContentType));
            Assert.Equal(MessageSide.Customer, (await db.RequestMessages.AsNoTracking().SingleAsync(m => m.RequestId == entry.Id, ct)).Side);
            var types = await db.IntegrationEvents.AsNoTracking().Where(e => e.AccountId == account.Id).OrderBy(e => e.Id).Select(e => e.Type).ToListAsync(ct);
            Assert.Equal(["service_call.opened", "service_call.commented", "service_call.closed"], types);
        });

        // A closed call takes no comment: a clear message, nothing written.
        var late = await PostAsync(client, $"/service-calls/{number}?handler=Comment", "/service-calls/" + number, new() { ["Body"] = "One more thing" }, tokenFrom: "/service-calls");
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Contains("closed", await late.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(1, await portal.WithDbAsync(db => db.RequestMessages.CountAsync(m => db.CustomerRequests.Any(r => r.Id == m.RequestId && r.Number == number), ct)));

        // The file is served to the account's members only, as a download.
        var fileId = await portal.WithDbAsync(db => db.RequestAttachments.Where(a => db.CustomerRequests.Any(r => r.Id == a.RequestId && r.Number == number)).Select(a => a.Id).SingleAsync(ct));
        var download = await client.GetAsync($"/requests/files/{fileId}", ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync(ct));
        var stranger = await portal.LoginAsync((await InvoiceTestData.NewAccountAsync(portal, Caller)).Email);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/requests/files/{fileId}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync("/service-calls/" + number, ct)).StatusCode);
        var foreign = await PostAsync(stranger, $"/service-calls/{number}?handler=Comment", "/service-calls", new() { ["Body"] = "Not mine" });
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Theory]
    [InlineData("photo.png", "pdf")]
    [InlineData("photo.png", "exe")]
    [InlineData("report.pdf", "png")]
    [InlineData("photo.png", "big")]
    public async Task A_file_that_lies_about_its_type_or_is_too_big_is_refused_and_nothing_is_written(string name, string content)
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Caller);
        var client = await portal.LoginAsync(account.Email);
        var bytes = content switch
        {
            "pdf" => Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF"),
            "exe" => [(byte)'M', (byte)'Z', 0x90, 0, 3, 0, 0, 0],
            "png" => Png,
            _ => [.. Png, .. new byte[RequestFiles.MaxBytes]],
        };

        var response = await PostAsync(client, "/service-calls/new", "/service-calls/new", new() { ["Subject"] = "Leak", ["Description"] = "Oil on the floor", ["Priority"] = "Normal" }, ("Files", name, bytes));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(name, await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        await AssertNothingWrittenAsync(account.Id);
    }

    [Theory]
    [InlineData("", "Oil on the floor", "Normal", "")]
    [InlineData("Leak", "  ", "Normal", "")]
    [InlineData("Leak", "Oil on the floor", "Critical", "")]
    [InlineData("Leak", "Oil on the floor", "Normal", "2001-01-01")]
    [InlineData("Leak", "Oil on the floor", "Normal", "tomorrow")]
    public async Task Bad_input_is_a_form_error_and_nothing_is_written(string subject, string description, string priority, string date)
    {
        var account = await InvoiceTestData.NewAccountAsync(portal, Caller);
        var client = await portal.LoginAsync(account.Email);

        var response = await PostAsync(client, "/service-calls/new", "/service-calls/new", new() { ["Subject"] = subject, ["Description"] = description, ["Priority"] = priority, ["PreferredDate"] = date });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("notice-error", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        await AssertNothingWrittenAsync(account.Id);
    }

    [Fact]
    public async Task A_comment_from_the_billing_system_is_in_the_thread_and_emailed_to_the_followers()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Caller);
        var client = await portal.LoginAsync(account.Email);
        var opened = await PostAsync(client, "/service-calls/new", "/service-calls/new", new() { ["Subject"] = "Generator hours", ["Description"] = "Meter stuck", ["Priority"] = "Low" });
        var number = opened.Headers.Location!.OriginalString.Split('/')[^1];
        var api = await IntegrationClient.CreateAsync(portal);

        var sent = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(api, $"/api/v1/service-calls/{number}/comments", new { externalId = IntegrationClient.Unique("CM"), author = "Ray (technician)", body = "Coming Monday." }, ct);

        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        Assert.Contains("Coming Monday.", await client.GetStringAsync("/service-calls/" + number, ct), StringComparison.Ordinal);
        var mail = await portal.WithDbAsync(db => db.EmailMessages.AsNoTracking().Where(m => m.Kind == "request-message" && m.To == account.Email).Select(m => m.TextBody).ToListAsync(ct));
        Assert.Contains(mail, body => body.Contains("Coming Monday.", StringComparison.Ordinal));
    }

    private async Task AssertNothingWrittenAsync(long accountId) => await portal.WithDbAsync(async db =>
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.False(await db.ServiceCalls.AnyAsync(c => c.AccountId == accountId, ct));
        Assert.False(await db.CustomerRequests.AnyAsync(r => r.AccountId == accountId, ct));
        Assert.False(await db.IntegrationEvents.AnyAsync(e => e.AccountId == accountId && e.Type.StartsWith("service_call."), ct));
    });

    /// <summary>Posts a multipart form (as the browser does for a form with files) with the page's antiforgery token.</summary>
    internal static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string tokenPage, Dictionary<string, string> fields, (string Field, string Name, byte[] Bytes)? file = null, string? tokenFrom = null)
    {
        // The token is the session's, so any page with a form gives it (a closed call's page has none).
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, tokenFrom ?? "/logout");
        using var form = new MultipartFormDataContent();
        foreach (var (key, value) in fields)
        {
            form.Add(new StringContent(value), key);
        }

        form.Add(new StringContent(token), "__RequestVerificationToken");
        if (file is { } f)
        {
            var part = new ByteArrayContent(f.Bytes);
            part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
            form.Add(part, f.Field, f.Name);
        }

        return await client.PostAsync(url, form);
    }
}
