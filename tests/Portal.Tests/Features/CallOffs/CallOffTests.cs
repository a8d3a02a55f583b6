using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Features.CallOffs;
using Portal.Features.Contracts;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Tests.Features.Contracts;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.CallOffs;

public sealed class CallOffTests(PortalFactory portal)
{
    private const Permissions Renter = Permissions.View | Permissions.Order;

    private static Dictionary<string, string> Form(long itemId, string quantity, string pickup, string name = "Sam Site", string phone = "+1 617 555 0100", string notes = "Gate 4") => new()
    {
        ["Form.Lines[0].ItemId"] = itemId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Form.Lines[0].Quantity"] = quantity,
        ["Form.PickupDate"] = pickup,
        ["Form.ContactName"] = name,
        ["Form.ContactPhone"] = phone,
        ["Form.Notes"] = notes,
    };

    [Fact]
    public async Task Calling_off_through_review_and_send_holds_the_quantity_and_writes_event_mails_and_trail_together()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Renter);
        var contract = await RentalTestData.NewContractAsync(portal, account, "1", ContractStatus.Open, "Gate 4", ("LIFT", 3, 1, 10, 2));
        var item = contract.Items[0];
        var today = await RentalTestData.TodayAsync(portal);
        var client = await portal.LoginAsync(account.Email);

        var form = await client.GetStringAsync($"/calloffs/new?item={item.Id}", ct);
        Assert.Contains("value=\"2\"", form, StringComparison.Ordinal);
        var fields = Form(item.Id, "2", Formatting.Iso(today.AddDays(1)));
        var review = await PortalFactory.PostFormAsync(client, "/calloffs/new?handler=Review", fields, $"/calloffs/new?item={item.Id}");
        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        var reviewHtml = await review.Content.ReadAsStringAsync(ct);
        Assert.Contains("Send the call-off", reviewHtml, StringComparison.Ordinal);
        Assert.Equal(0, await portal.WithDbAsync(db => db.CallOffs.CountAsync(c => c.AccountId == account.Id, ct)));

        var sent = await PortalFactory.PostFormAsync(client, "/calloffs/new?handler=Send", fields, $"/calloffs/new?item={item.Id}");

        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var number = sent.Headers.Location!.OriginalString.Split('/')[2];
        Assert.Matches("^CO-[0-9]{6,}$", number);
        var (callOff, held, events, mails, trail) = await portal.WithDbAsync(async db => (
            await db.CallOffs.AsNoTracking().Include(c => c.Lines).SingleAsync(c => c.AccountId == account.Id, ct),
            await db.ContractItems.Where(i => i.Id == item.Id).Select(i => i.QuantityCalledOff).SingleAsync(ct),
            await db.IntegrationEvents.AsNoTracking().Where(e => e.AccountId == account.Id && e.Type == "calloff.requested").ToListAsync(ct),
            await db.EmailMessages.AsNoTracking().Where(m => m.AccountId == account.Id && m.Kind.StartsWith("calloff")).ToListAsync(ct),
            await db.ActivityEntries.AsNoTracking().Where(a => a.AccountId == account.Id && a.Action == "calloff.requested").ToListAsync(ct)));
        Assert.Equal((number, CallOffStatus.Sent, today.AddDays(1), "Sam Site", "Gate 4"), (callOff.Number, callOff.Status, callOff.PickupDate, callOff.ContactName, callOff.Notes));
        Assert.Equal(2m, Assert.Single(callOff.Lines).Quantity);
        Assert.Equal(2m, held);
        var e = Assert.Single(events);
        Assert.Contains(number, e.Payload, StringComparison.Ordinal);
        Assert.Contains("\"lineNumber\":1", e.Payload, StringComparison.Ordinal);
        Assert.Contains(mails, m => m.To == "billing@summit-rental.example" && m.Kind == "calloff-requested");
        Assert.Contains(mails, m => m.To == account.Email && m.Kind == "calloff-confirmation");
        Assert.Equal(number, Assert.Single(trail).Detail);

        var page = await client.GetStringAsync("/calloffs/" + number, ct);
        Assert.Contains("Call-off " + number + " is sent", page, StringComparison.Ordinal);
        // What is held can no longer be chosen: the one left over still can.
        var again = await PortalFactory.PostFormAsync(client, "/calloffs/new?handler=Review", Form(item.Id, "2", Formatting.Iso(today)), $"/calloffs/new?item={item.Id}");
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("at most 0 of LIFT", await again.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("more")]
    [InlineData("past")]
    [InlineData("contact")]
    [InlineData("phone")]
    [InlineData("foreign")]
    [InlineData("nothing")]
    public async Task Bad_input_gives_a_form_error_and_writes_nothing(string what)
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Renter);
        var other = await InvoiceTestData.NewAccountAsync(portal, Renter);
        var contract = await RentalTestData.NewContractAsync(portal, account, "2", ContractStatus.Open, null, ("LIFT", 3, 1, 10, 2));
        var foreign = await RentalTestData.NewContractAsync(portal, other, "3", ContractStatus.Open, null, ("GEN", 5, 0, 10, 2));
        var today = await RentalTestData.TodayAsync(portal);
        var item = contract.Items[0].Id;
        var fields = what switch
        {
            "more" => Form(item, "3", Formatting.Iso(today)),
            "past" => Form(item, "1", Formatting.Iso(today.AddDays(-1))),
            "contact" => Form(item, "1", Formatting.Iso(today), name: "  "),
            "phone" => Form(item, "1", Formatting.Iso(today), phone: "call me"),
            "foreign" => Form(foreign.Items[0].Id, "1", Formatting.Iso(today)),
            _ => Form(item, "0", Formatting.Iso(today)),
        };
        var field = what switch
        {
            "past" => "date-error",
            "contact" => "name-error",
            "phone" => "phone-error",
            "nothing" => "lines-error",
            _ => "qty-0-error",
        };
        var client = await portal.LoginAsync(account.Email);

        var response = await PortalFactory.PostFormAsync(client, "/calloffs/new?handler=Send", fields, "/calloffs/new");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"id=\"{field}\"", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        var written = await portal.WithDbAsync(async db => (
            await db.CallOffs.CountAsync(c => c.AccountId == account.Id || c.AccountId == other.Id, ct),
            await db.IntegrationEvents.CountAsync(e => (e.AccountId == account.Id || e.AccountId == other.Id) && e.Type == "calloff.requested", ct),
            await db.EmailMessages.CountAsync(m => m.AccountId == account.Id || m.AccountId == other.Id, ct),
            await db.ContractItems.Where(i => i.AccountId == account.Id || i.AccountId == other.Id).SumAsync(i => i.QuantityCalledOff, ct)));
        Assert.Equal((0, 0, 0, 0m), written);
    }

    [Fact]
    public async Task Two_concurrent_call_offs_of_the_same_item_never_together_exceed_what_is_out()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Renter);
        var contract = await RentalTestData.NewContractAsync(portal, account, "4", ContractStatus.Open, null, ("LIFT", 5, 1, 10, 2));
        var item = contract.Items[0].Id;
        var today = await RentalTestData.TodayAsync(portal);
        var (userId, current) = await portal.WithDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.Email == account.Email, ct);
            return (user.Id, new CurrentAccount(account.Id, account.Number, "Test", "USD", null, null, null, false, Renter, false));
        });

        async Task<CallOffResult> SendAsync()
        {
            await using var scope = portal.Services.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService<CallOffService>();
            var form = new CallOffForm
            {
                Lines = [new CallOffFormLine { ItemId = item, Quantity = "3" }],
                PickupDate = Formatting.Iso(today.AddDays(1)),
                ContactName = "Sam",
                ContactPhone = "617 555 0100",
            };
            return await service.SendAsync(current, userId, form, ct);
        }

        // Both pass the first check (3 of 4 available); only one may hold its quantity. Run several rounds.
        var results = new List<CallOffResult>();
        for (var round = 0; round < 3; round++)
        {
            results.AddRange(await Task.WhenAll(SendAsync(), SendAsync()));
            await portal.WithDbAsync(db => db.ContractItems.Where(i => i.Id == item).ExecuteUpdateAsync(u => u.SetProperty(i => i.QuantityCalledOff, 0m), ct));
        }

        Assert.Equal(3, results.Count(r => r is CallOffResult.Sent));
        Assert.Equal(3, results.Count(r => r is CallOffResult.Refused));
        var (callOffs, events) = await portal.WithDbAsync(async db => (
            await db.CallOffs.CountAsync(c => c.AccountId == account.Id, ct),
            await db.IntegrationEvents.CountAsync(e => e.AccountId == account.Id && e.Type == "calloff.requested", ct)));
        Assert.Equal((3, 3), (callOffs, events));
    }

    [Fact]
    public async Task The_billing_system_moves_a_call_off_on_e_mails_the_requester_and_refuses_moves_backwards()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Renter);
        var contract = await RentalTestData.NewContractAsync(portal, account, "5", ContractStatus.Open, null, ("LIFT", 2, 0, 10, 2));
        var today = await RentalTestData.TodayAsync(portal);
        var client = await portal.LoginAsync(account.Email);
        var sent = await PortalFactory.PostFormAsync(client, "/calloffs/new?handler=Send", Form(contract.Items[0].Id, "2", Formatting.Iso(today)), "/calloffs/new");
        var number = sent.Headers.Location!.OriginalString.Split('/')[2];
        var api = await IntegrationClient.CreateAsync(portal);

        var scheduled = await api.PutAsJsonAsync($"/api/v1/calloffs/{number}", new { status = "scheduled", note = "Tuesday 8-11" }, ct);
        var backwards = await api.PutAsJsonAsync($"/api/v1/calloffs/{number}", new { status = "acknowledged" }, ct);
        var unknown = await api.PutAsJsonAsync($"/api/v1/calloffs/{number}", new { status = "lost" }, ct);
        var missing = await api.PutAsJsonAsync("/api/v1/calloffs/CO-NOPE", new { status = "scheduled" }, ct);
        var heldBefore = await portal.WithDbAsync(db => db.ContractItems.Where(i => i.Id == contract.Items[0].Id).Select(i => i.QuantityCalledOff).SingleAsync(ct));
        var picked = await api.PutAsJsonAsync($"/api/v1/calloffs/{number}", new { status = "picked_up" }, ct);
        var again = await api.PutAsJsonAsync($"/api/v1/calloffs/{number}", new { status = "cancelled" }, ct);

        Assert.Equal(HttpStatusCode.OK, scheduled.StatusCode);
        Assert.Equal("scheduled", (await scheduled.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, backwards.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("status", await IntegrationClient.ErrorFieldsAsync(unknown));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, picked.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(2m, heldBefore);
        var (held, mails) = await portal.WithDbAsync(async db => (
            await db.ContractItems.Where(i => i.Id == contract.Items[0].Id).Select(i => i.QuantityCalledOff).SingleAsync(ct),
            await db.EmailMessages.AsNoTracking().Where(m => m.AccountId == account.Id && m.Kind == "calloff-status").ToListAsync(ct)));
        Assert.Equal(0m, held);
        Assert.Equal(2, mails.Count);
        Assert.All(mails, m => Assert.Equal(account.Email, m.To));
        Assert.Contains("Picked up", (await client.GetStringAsync("/calloffs/" + number, ct)), StringComparison.Ordinal);

        // The list is keyset-paged in id order and holds this call-off.
        var list = await api.GetFromJsonAsync<JsonElement>("/api/v1/calloffs", ct);
        Assert.Contains(list.GetProperty("items").EnumerateArray(), c => c.GetProperty("number").GetString() == number);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/v1/calloffs?after=forged", ct)).StatusCode);
    }
}
