using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Accounts;
using Portal.Tests.Features.Integration;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Accounts;

public sealed class AccountsApiTests(PortalFactory portal)
{
    private static object Body(string number, string currency = "USD", string? parent = null, bool billToParent = false, string? phone = null, int? billDay = null, string name = "Harbor Freight Haulers") => new
    {
        number,
        name,
        email = "ap@harbor.example",
        phone,
        postalCode = "02110",
        addressLine1 = "1 Dock Road",
        city = "Boston",
        region = "MA",
        country = "us",
        currency,
        billDay,
        parent,
        billToParent,
        type = "cash",
        portalEnabled = false,
        branch = "BOS",
        somethingNew = "ignored",
    };

    [Fact]
    public async Task A_new_account_is_201_with_location_and_the_stored_representation()
    {
        var client = await portal.CreateApiClientAsync();
        var id = ApiClient.NewId("ACC");

        var response = await client.PutJsonAsync($"/api/v1/accounts/{id}", Body(id, phone: "+1 (617) 555-0199", billDay: 15));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/accounts/{id}", response.Headers.Location?.ToString());
        var json = await response.JsonAsync();
        Assert.Equal(id, (string?)json["externalId"]);
        Assert.Equal("16175550199", (string?)json["phone"]);
        Assert.Equal("US", (string?)json["country"]);
        Assert.Equal("cash", (string?)json["type"]);
        Assert.Equal(15, (int)json["billDay"]!);
        Assert.False((bool)json["portalEnabled"]!);
        var stored = await portal.WithDbAsync(db => db.Accounts.AsNoTracking().SingleAsync(a => a.ExternalId == id, TestContext.Current.CancellationToken));
        Assert.Equal(AccountType.Cash, stored.Type);
        Assert.Equal("16175550199", stored.Phone);
    }

    [Fact]
    public async Task The_same_put_twice_is_200_and_changes_nothing()
    {
        var client = await portal.CreateApiClientAsync();
        var id = ApiClient.NewId("ACC");
        var created = await client.PutJsonAsync($"/api/v1/accounts/{id}", Body(id));
        var before = await portal.SnapshotAsync(id);

        var again = await client.PutJsonAsync($"/api/v1/accounts/{id}", Body(id));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(ApiClient.Canonical(await created.JsonAsync()), ApiClient.Canonical(await again.JsonAsync()));
        Assert.Equal(before, await portal.SnapshotAsync(id));
        Assert.Equal(1, await portal.WithDbAsync(db => db.Accounts.CountAsync(a => a.ExternalId == id, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task An_update_replaces_the_fields_and_get_returns_them()
    {
        var client = await portal.CreateApiClientAsync();
        var id = ApiClient.NewId("ACC");
        await client.PutJsonAsync($"/api/v1/accounts/{id}", Body(id));

        var updated = await client.PutJsonAsync($"/api/v1/accounts/{id}", Body(id, name: "Harbor Freight Haulers Inc."));
        var got = await client.GetAsync($"/api/v1/accounts/{id}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("Harbor Freight Haulers Inc.", (string?)(await got.JsonAsync())["name"]);
    }

    [Fact]
    public async Task Missing_and_malformed_fields_are_400_naming_each_and_nothing_is_written()
    {
        var client = await portal.CreateApiClientAsync();
        var id = ApiClient.NewId("ACC");

        var response = await client.PutJsonAsync($"/api/v1/accounts/{id}", new { email = "not-an-email", currency = "XYZ", billDay = 31, country = "USA", phone = "call me" });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, "number");
        var errors = problem["errors"]!.AsObject();
        foreach (var field in new[] { "name", "email", "currency", "billDay", "country", "phone" })
        {
            Assert.True(errors.ContainsKey(field), $"No error for {field}: {problem.ToJsonString()}");
        }

        Assert.False(await portal.WithDbAsync(db => db.Accounts.AnyAsync(a => a.ExternalId == id, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task An_unknown_parent_is_400_naming_parent()
    {
        var client = await portal.CreateApiClientAsync();
        var id = ApiClient.NewId("ACC");

        var response = await client.PutJsonAsync($"/api/v1/accounts/{id}", Body(id, parent: "NO-SUCH-ACCOUNT"));

        await response.ProblemAsync(HttpStatusCode.BadRequest, "parent");
        Assert.False(await portal.WithDbAsync(db => db.Accounts.AnyAsync(a => a.ExternalId == id, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Billing_to_a_parent_needs_a_parent()
    {
        var client = await portal.CreateApiClientAsync();
        var id = ApiClient.NewId("ACC");

        var response = await client.PutJsonAsync($"/api/v1/accounts/{id}", Body(id, billToParent: true));

        await response.ProblemAsync(HttpStatusCode.BadRequest, "billToParent");
    }

    [Fact]
    public async Task A_child_is_billed_to_its_parent_and_a_cycle_is_refused()
    {
        var client = await portal.CreateApiClientAsync();
        var parent = await client.NewAccountAsync();
        var child = ApiClient.NewId("ACC");
        var created = await client.PutJsonAsync($"/api/v1/accounts/{child}", Body(child, parent: parent, billToParent: true));
        Assert.Equal(parent, (string?)(await created.JsonAsync())["parent"]);
        var grandchild = await client.NewAccountAsync(parent: child);
        var before = await portal.SnapshotAsync(parent);

        var selfParent = await client.PutJsonAsync($"/api/v1/accounts/{parent}", Body(parent, parent: parent));
        var loop = await client.PutJsonAsync($"/api/v1/accounts/{parent}", Body(parent, parent: grandchild));

        await selfParent.ProblemAsync(HttpStatusCode.BadRequest, "parent");
        await loop.ProblemAsync(HttpStatusCode.BadRequest, "parent");
        Assert.Equal(before, await portal.SnapshotAsync(parent));
        var got = await (await client.GetAsync($"/api/v1/accounts/{child}", TestContext.Current.CancellationToken)).JsonAsync();
        Assert.Equal(parent, (string?)got["parent"]);
        Assert.True((bool)got["billToParent"]!);
    }

    [Fact]
    public async Task A_number_taken_by_another_account_is_409()
    {
        var client = await portal.CreateApiClientAsync();
        var first = await client.NewAccountAsync();
        var id = ApiClient.NewId("ACC");

        var response = await client.PutJsonAsync($"/api/v1/accounts/{id}", Body(first));

        await response.ProblemAsync(HttpStatusCode.Conflict);
        Assert.False(await portal.WithDbAsync(db => db.Accounts.AnyAsync(a => a.ExternalId == id, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task The_currency_changes_only_while_the_account_has_no_documents()
    {
        var client = await portal.CreateApiClientAsync();
        var id = ApiClient.NewId("ACC");
        await client.PutJsonAsync($"/api/v1/accounts/{id}", Body(id));

        var beforeDocuments = await client.PutJsonAsync($"/api/v1/accounts/{id}", Body(id, currency: "CAD"));
        Assert.Equal(HttpStatusCode.OK, beforeDocuments.StatusCode);
        await client.NewInvoiceAsync(id, 100m, "CAD");
        var snapshot = await portal.SnapshotAsync(id);

        var afterDocuments = await client.PutJsonAsync($"/api/v1/accounts/{id}", Body(id, currency: "USD"));

        await afterDocuments.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(snapshot, await portal.SnapshotAsync(id));
    }

    [Fact]
    public async Task An_unknown_account_is_404_problem()
    {
        var client = await portal.CreateApiClientAsync();

        var response = await client.GetAsync("/api/v1/accounts/NO-SUCH-ACCOUNT", TestContext.Current.CancellationToken);

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_contact_is_upserted_deleted_as_inactive_and_reactivated()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();
        var url = $"/api/v1/accounts/{account}/contacts/C-77";
        var contact = new { name = "Jo Park", title = "AP Clerk", email = "jo@harbor.example", phone = "617-555-0100", role = "Billing", isPrimary = true };

        var created = await client.PutJsonAsync(url, contact);
        var again = await client.PutJsonAsync(url, contact);
        var snapshot = await portal.SnapshotAsync(account);
        var deleted = await client.DeleteAsync(url, TestContext.Current.CancellationToken);
        var deletedAgain = await client.DeleteAsync(url, TestContext.Current.CancellationToken);
        var afterDelete = await (await client.GetAsync(url, TestContext.Current.CancellationToken)).JsonAsync();
        var reactivated = await client.PutJsonAsync(url, contact);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("\"C-77\"", snapshot, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deletedAgain.StatusCode);
        Assert.False((bool)afterDelete["active"]!);
        Assert.True((bool)(await reactivated.JsonAsync())["active"]!);
        Assert.Equal(1, await portal.WithDbAsync(db => db.Contacts.CountAsync(c => c.ExternalId == "C-77" && db.Accounts.Any(a => a.Id == c.AccountId && a.ExternalId == account), TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task A_contact_of_an_unknown_account_is_404_and_a_nameless_contact_is_400()
    {
        var client = await portal.CreateApiClientAsync();
        var account = await client.NewAccountAsync();

        var unknownAccount = await client.PutJsonAsync("/api/v1/accounts/NO-SUCH-ACCOUNT/contacts/C-1", new { name = "Jo" });
        var nameless = await client.PutJsonAsync($"/api/v1/accounts/{account}/contacts/C-1", new { email = "jo@example.com" });
        var unknownContact = await client.DeleteAsync($"/api/v1/accounts/{account}/contacts/C-404", TestContext.Current.CancellationToken);

        await unknownAccount.ProblemAsync(HttpStatusCode.NotFound);
        await nameless.ProblemAsync(HttpStatusCode.BadRequest, "name");
        await unknownContact.ProblemAsync(HttpStatusCode.NotFound);
    }
}
