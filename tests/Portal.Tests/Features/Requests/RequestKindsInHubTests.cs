using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.CallOffs;
using Portal.Features.Contracts;
using Portal.Features.Quotes;
using Portal.Features.Requests;
using Portal.Infrastructure;
using Portal.Tests.Features.Contracts;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Features.Orders;
using Portal.Tests.Features.ServiceCalls;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Requests;

/// <summary>
/// Call-offs and quote requests are requests like service calls and disputes: on /requests and in the
/// console's inbox, with a thread where every status move leaves a line (a code, read in the reader's
/// language), and staff moves sent to the billing system in the same transaction.
/// </summary>
public sealed class RequestKindsInHubTests(PortalFactory portal)
{
    [Fact]
    public async Task A_call_off_is_a_request_moved_by_the_billing_system_and_by_staff_with_a_line_in_its_thread()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View | Permissions.Order);
        var contract = await RentalTestData.NewContractAsync(portal, account, "H1", ContractStatus.Open, null, ("LIFT", 2, 0, 10, 2));
        var item = contract.Items[0];
        var today = await RentalTestData.TodayAsync(portal);
        var client = await portal.LoginAsync(account.Email);
        var sent = await PortalFactory.PostFormAsync(client, "/calloffs/new?handler=Send", new Dictionary<string, string>
        {
            ["Form.Lines[0].ItemId"] = item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Form.Lines[0].Quantity"] = "2",
            ["Form.PickupDate"] = Formatting.Iso(today.AddDays(1)),
            ["Form.ContactName"] = "Sam Site",
            ["Form.ContactPhone"] = "+1 617 555 0100",
        }, "/calloffs/new");
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var number = sent.Headers.Location!.OriginalString.Split('/')[2];
        var entry = await portal.WithDbAsync(db => db.CustomerRequests.AsNoTracking().SingleAsync(r => r.Kind == RequestKind.CallOff && r.Number == number, ct));
        Assert.Equal(("sent", true, account.Id), (entry.Status, entry.IsOpen, entry.AccountId));
        Assert.Contains("LIFT", entry.Subject, StringComparison.Ordinal);
        Assert.Contains(number, await client.GetStringAsync("/requests?kind=call_off", ct), StringComparison.Ordinal);

        // The customer writes; the billing system schedules it: a line in the thread, no event echoed back.
        var comment = await PortalFactory.PostFormAsync(client, $"/calloffs/{number}?handler=Comment", new Dictionary<string, string> { ["Body"] = "The lift is by gate 2." }, "/calloffs/" + number);
        Assert.Equal(HttpStatusCode.Redirect, comment.StatusCode);
        var api = await IntegrationClient.CreateAsync(portal);
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/api/v1/calloffs/{number}", new { status = "scheduled", note = "Tuesday 8-11" }, ct)).StatusCode);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/calloffs/" + number, ct));
        Assert.Contains("The lift is by gate 2.", page, StringComparison.Ordinal);
        Assert.Contains("Status changed to Scheduled by our billing system.", page, StringComparison.Ordinal);
        var line = await portal.WithDbAsync(db => db.RequestMessages.AsNoTracking().SingleAsync(m => m.RequestId == entry.Id && m.SystemEvent != null, ct));
        Assert.Equal((MessageSide.BillingSystem, RequestMessageEvents.StatusChanged, "scheduled"), (line.Side, line.SystemEvent, line.Body));

        // Read in Spanish, the same line is Spanish: it is stored as a code.
        var spanish = await portal.LoginAsync(account.Email);
        spanish.DefaultRequestHeaders.AcceptLanguage.ParseAdd("es");
        Assert.DoesNotContain("Status changed to", WebUtility.HtmlDecode(await spanish.GetStringAsync("/calloffs/" + number, ct)), StringComparison.Ordinal);

        // Staff mark it picked up from the inbox: released, closed, sent to the billing system, all together.
        var staff = await portal.LoginAsync(DemoData.StaffEmail);
        var inbox = await staff.GetStringAsync($"/admin/requests/{entry.Id}", ct);
        Assert.Contains("value=\"picked_up\"", inbox, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"acknowledged\"", inbox, StringComparison.Ordinal);
        var moved = await PortalFactory.PostFormAsync(staff, $"/admin/requests/{entry.Id}?handler=Status", new Dictionary<string, string> { ["status"] = "picked_up" }, $"/admin/requests/{entry.Id}");
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        var (callOff, held, after, events, lines) = await portal.WithDbAsync(async db => (
            await db.CallOffs.AsNoTracking().SingleAsync(c => c.Number == number, ct),
            await db.ContractItems.Where(i => i.Id == item.Id).Select(i => i.QuantityCalledOff).SingleAsync(ct),
            await db.CustomerRequests.AsNoTracking().SingleAsync(r => r.Id == entry.Id, ct),
            await db.IntegrationEvents.AsNoTracking().Where(e => e.AccountId == account.Id && e.Type == "calloff.status_changed").Select(e => e.Payload).ToListAsync(ct),
            await db.RequestMessages.AsNoTracking().Where(m => m.RequestId == entry.Id && m.SystemEvent != null).OrderBy(m => m.Id).Select(m => new { m.Side, m.Body }).ToListAsync(ct)));
        Assert.Equal(CallOffStatus.PickedUp, callOff.Status);
        Assert.Equal(0m, held);
        Assert.Equal(("picked_up", false), (after.Status, after.IsOpen));
        Assert.Contains("\"status\":\"picked_up\"", Assert.Single(events), StringComparison.Ordinal);
        Assert.Equal((MessageSide.Staff, "picked_up"), (lines[^1].Side, lines[^1].Body));

        // Closed: no more messages, a clear answer, nothing written.
        var late = await PortalFactory.PostFormAsync(client, $"/calloffs/{number}?handler=Comment", new Dictionary<string, string> { ["Body"] = "One more" }, "/calloffs/" + number);
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Equal(0, await portal.WithDbAsync(db => db.RequestMessages.CountAsync(m => m.RequestId == entry.Id && m.Body == "One more", ct)));
        // Another account's call-off takes no message.
        var stranger = await portal.LoginAsync((await InvoiceTestData.NewAccountAsync(portal, Permissions.All)).Email);
        Assert.Equal(HttpStatusCode.NotFound, (await PortalFactory.PostFormAsync(stranger, $"/calloffs/{number}?handler=Comment", new Dictionary<string, string> { ["Body"] = "Not mine" }, "/requests")).StatusCode);
    }

    [Fact]
    public async Task A_service_calls_status_moved_by_staff_is_sent_to_the_billing_system_and_one_moved_by_the_billing_system_is_in_the_thread()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View | Permissions.ServiceCalls);
        var client = await portal.LoginAsync(account.Email);
        var opened = await ServiceCallPortalTests.PostAsync(client, "/service-calls/new", "/service-calls/new", new() { ["Subject"] = "Pump", ["Description"] = "Leaks", ["Priority"] = "Normal" });
        var number = opened.Headers.Location!.OriginalString.Split('/')[^1];
        var entryId = await portal.WithDbAsync(db => db.CustomerRequests.Where(r => r.Kind == RequestKind.ServiceCall && r.Number == number).Select(r => r.Id).SingleAsync(ct));

        var staff = await portal.LoginAsync(DemoData.StaffEmail);
        var moved = await PortalFactory.PostFormAsync(staff, $"/admin/requests/{entryId}?handler=Status", new Dictionary<string, string> { ["status"] = "in_progress" }, $"/admin/requests/{entryId}");
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        var events = await portal.WithDbAsync(db => db.IntegrationEvents.AsNoTracking().Where(e => e.AccountId == account.Id && e.Type == "service_call.status_changed").Select(e => e.Payload).ToListAsync(ct));
        var payload = Assert.Single(events);
        Assert.Contains("\"status\":\"in_progress\"", payload, StringComparison.Ordinal);
        Assert.Contains("\"from\":\"open\"", payload, StringComparison.Ordinal);

        var api = await IntegrationClient.CreateAsync(portal);
        var external = "T-" + account.Number[1..];
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/api/v1/service-calls/{number}", new { account = external, status = "scheduled" }, ct)).StatusCode);
        // Sent again, it changes nothing and adds no second line.
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/api/v1/service-calls/{number}", new { account = external, status = "scheduled" }, ct)).StatusCode);
        var lines = await portal.WithDbAsync(db => db.RequestMessages.AsNoTracking().Where(m => m.RequestId == entryId && m.SystemEvent == RequestMessageEvents.StatusChanged).OrderBy(m => m.Id).Select(m => new { m.Side, m.Body }).ToListAsync(ct));
        Assert.Equal([(MessageSide.Staff, "in_progress"), (MessageSide.BillingSystem, "scheduled")], lines.Select(x => (x.Side, x.Body)));
        Assert.Equal(1, await portal.WithDbAsync(db => db.IntegrationEvents.CountAsync(e => e.AccountId == account.Id && e.Type == "service_call.status_changed", ct)));
        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/service-calls/" + number, ct));
        Assert.Contains("Status changed to Scheduled by our billing system.", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quote_request_is_a_request_that_follows_the_number_and_status_the_billing_system_gives_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View | Permissions.Quote | Permissions.SeeMoney);
        var client = await portal.LoginAsync(account.Email);
        var asked = await PortalFactory.PostFormAsync(client, "/quotes/new", new Dictionary<string, string> { ["Text"] = "Two light towers for a week" });
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        var quote = await portal.WithDbAsync(db => db.Quotes.AsNoTracking().SingleAsync(q => q.AccountId == account.Id, ct));
        var entry = await portal.WithDbAsync(db => db.CustomerRequests.AsNoTracking().SingleAsync(r => r.Kind == RequestKind.QuoteRequest && r.SubjectId == quote.Id, ct));
        Assert.Equal((quote.Number, "requested", true, "Two light towers for a week"), (entry.Number, entry.Status, entry.IsOpen, entry.Subject));
        Assert.Contains(quote.Number, await client.GetStringAsync("/requests", ct), StringComparison.Ordinal);

        var api = await IntegrationClient.CreateAsync(portal);
        var priced = IntegrationClient.Unique("Q");
        var answer = await api.PutAsJsonAsync($"/api/v1/quotes/{IntegrationClient.Unique("QX")}", new
        {
            account = "T-" + account.Number[1..],
            number = priced,
            portalNumber = quote.Number,
            currency = "USD",
            issuedOn = "2026-11-01",
            validUntil = "2099-12-31",
            lines = new[] { new { description = "Light tower, week", quantity = 2, unitPrice = 400 } },
        }, ct);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var after = await portal.WithDbAsync(db => db.CustomerRequests.AsNoTracking().SingleAsync(r => r.Id == entry.Id, ct));
        Assert.Equal((priced, "sent", true), (after.Number, after.Status, after.IsOpen));
        Assert.Contains("Status changed to Sent by our billing system.", WebUtility.HtmlDecode(await client.GetStringAsync("/quotes/" + priced, ct)), StringComparison.Ordinal);

        var accepted = await PortalFactory.PostFormAsync(client, $"/quotes/{priced}?handler=Accept", new Dictionary<string, string>(), "/quotes/" + priced);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        var closed = await portal.WithDbAsync(db => db.CustomerRequests.AsNoTracking().SingleAsync(r => r.Id == entry.Id, ct));
        Assert.Equal(("accepted", false), (closed.Status, closed.IsOpen));
    }

    [Fact]
    public async Task An_order_placed_on_the_pad_is_in_the_inbox_read_only_and_follows_the_status_the_billing_system_gives_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View | Permissions.Order | Permissions.SeeMoney);
        var product = await OrderTestData.NewProductAsync(portal, 25m, name: "Traffic cone");
        var client = await portal.LoginAsync(account.Email);
        Assert.Equal(HttpStatusCode.Redirect, (await OrderTestData.AddAsync(client, product.Code, "4")).StatusCode);
        var (key, token) = await OrderTestData.ReviewFormAsync(client);
        var placed = await OrderTestData.SubmitAsync(client, key, token, new Dictionary<string, string> { ["PurchaseOrder"] = "PO-31" });
        Assert.Equal(HttpStatusCode.Redirect, placed.StatusCode);
        var number = placed.Headers.Location!.OriginalString.Split('/', '?')[2];
        var order = await portal.WithDbAsync(db => db.Orders.AsNoTracking().SingleAsync(o => o.Number == number, ct));
        var entry = await portal.WithDbAsync(db => db.CustomerRequests.AsNoTracking().SingleAsync(r => r.Kind == RequestKind.Order && r.SubjectId == order.Id, ct));
        Assert.Equal((number, "submitted", true, account.Id, "PO PO-31 · Traffic cone"), (entry.Number, entry.Status, entry.IsOpen, entry.AccountId, entry.Subject));
        Assert.Contains(number, await client.GetStringAsync("/requests?kind=order", ct), StringComparison.Ordinal);

        // The console lists it and shows its lines, and offers nothing to do with it.
        var staff = await portal.LoginAsync(DemoData.StaffEmail);
        Assert.Contains(number, await staff.GetStringAsync("/admin/requests?kind=order", ct), StringComparison.Ordinal);
        var page = WebUtility.HtmlDecode(await staff.GetStringAsync($"/admin/requests/{entry.Id}", ct));
        Assert.Contains("read only", page, StringComparison.Ordinal);
        Assert.Contains(product.Code + " · Traffic cone", page, StringComparison.Ordinal);
        Assert.Contains("$100.00", page, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Reply", page, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Status", page, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Assign", page, StringComparison.Ordinal);

        // Posted anyway: refused with the reason, nothing written.
        var staffId = await portal.WithDbAsync(db => db.Users.Where(u => u.Email == DemoData.StaffEmail).Select(u => u.Id).SingleAsync(ct));
        foreach (var (handler, fields) in new (string, Dictionary<string, string>)[]
        {
            ("Reply", new() { ["body"] = "Shipping tomorrow" }),
            ("Status", new() { ["status"] = "delivered" }),
            ("Assign", new() { ["staffUserId"] = staffId }),
        })
        {
            var refused = await PortalFactory.PostFormAsync(staff, $"/admin/requests/{entry.Id}?handler={handler}", fields, $"/admin/requests/{entry.Id}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("Orders are read only here", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(ct)), StringComparison.Ordinal);
        }

        var untouched = await portal.WithDbAsync(db => db.CustomerRequests.AsNoTracking().SingleAsync(r => r.Id == entry.Id, ct));
        Assert.Equal(("submitted", (string?)null), (untouched.Status, untouched.AssignedStaffUserId));
        Assert.Equal(0, await portal.WithDbAsync(db => db.RequestMessages.CountAsync(m => m.RequestId == entry.Id, ct)));

        // The billing system acknowledges it under its own number, then delivers it: the entry follows.
        var api = await IntegrationClient.CreateAsync(portal);
        var erpNumber = IntegrationClient.Unique("SO");
        var erpId = IntegrationClient.Unique("ERP");
        foreach (var status in new[] { "shipped", "delivered" })
        {
            var put = await api.PutAsJsonAsync($"/api/v1/orders/{erpId}", new
            {
                account = "T-" + account.Number[1..],
                number = erpNumber,
                portalNumber = number,
                orderedAt = DateTime.SpecifyKind(order.OrderedAt, DateTimeKind.Utc),
                status,
                currency = "USD",
            }, ct);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            var moved = await portal.WithDbAsync(db => db.CustomerRequests.AsNoTracking().SingleAsync(r => r.Id == entry.Id, ct));
            Assert.Equal((erpNumber, status, status == "shipped"), (moved.Number, moved.Status, moved.IsOpen));
        }

        var lines = await portal.WithDbAsync(db => db.RequestMessages.AsNoTracking().Where(m => m.RequestId == entry.Id).OrderBy(m => m.Id).Select(m => new { m.Side, m.SystemEvent, m.Body }).ToListAsync(ct));
        Assert.Equal(["shipped", "delivered"], lines.Select(m => m.Body));
        Assert.All(lines, m => Assert.Equal((MessageSide.BillingSystem, RequestMessageEvents.StatusChanged), (m.Side, m.SystemEvent)));
    }

    [Fact]
    public async Task A_quote_request_whose_sent_quote_runs_out_is_closed_as_expired_once_and_opens_again_when_sent_anew()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View | Permissions.Quote | Permissions.SeeMoney);
        var client = await portal.LoginAsync(account.Email);
        Assert.Equal(HttpStatusCode.Redirect, (await PortalFactory.PostFormAsync(client, "/quotes/new", new Dictionary<string, string> { ["Text"] = "A scissor lift for March" })).StatusCode);
        var quote = await portal.WithDbAsync(db => db.Quotes.AsNoTracking().SingleAsync(q => q.AccountId == account.Id, ct));
        var entry = await portal.WithDbAsync(db => db.CustomerRequests.AsNoTracking().SingleAsync(r => r.Kind == RequestKind.QuoteRequest && r.SubjectId == quote.Id, ct));
        var api = await IntegrationClient.CreateAsync(portal);
        var priced = IntegrationClient.Unique("Q");
        var externalId = IntegrationClient.Unique("QX");
        Task<HttpResponseMessage> SendAsync(string validUntil) => api.PutAsJsonAsync($"/api/v1/quotes/{externalId}", new
        {
            account = "T-" + account.Number[1..],
            number = priced,
            portalNumber = quote.Number,
            currency = "USD",
            issuedOn = "2026-01-05",
            validUntil,
            lines = new[] { new { description = "Scissor lift, month", quantity = 1, unitPrice = 900 } },
        }, ct);
        var worker = portal.Services.GetRequiredService<QuoteExpiryWorker>();
        Task<CustomerRequest> EntryAsync() => portal.WithDbAsync(db => db.CustomerRequests.AsNoTracking().SingleAsync(r => r.Id == entry.Id, ct));

        // Sent with a last day still ahead: the worker leaves it open.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("2099-12-31")).StatusCode);
        await worker.ExpireAsync(ct);
        Assert.Equal(("sent", true), ((await EntryAsync()).Status, (await EntryAsync()).IsOpen));

        // Sent again with a last day gone: closed as expired, on /requests too; a second pass changes nothing.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("2026-01-31")).StatusCode);
        Assert.True(await worker.ExpireAsync(ct) >= 1);
        var expired = await EntryAsync();
        Assert.Equal(("expired", false), (expired.Status, expired.IsOpen));
        await worker.ExpireAsync(ct);
        Assert.Equal(expired.LastActivityAt, (await EntryAsync()).LastActivityAt);
        Assert.DoesNotContain(priced, await client.GetStringAsync("/requests?status=open", ct), StringComparison.Ordinal);
        Assert.Contains(priced, await client.GetStringAsync("/requests?status=closed", ct), StringComparison.Ordinal);

        // The operator sends it anew with a later date: open again.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("2099-06-30")).StatusCode);
        Assert.Equal(("sent", true), ((await EntryAsync()).Status, (await EntryAsync()).IsOpen));
    }
}
