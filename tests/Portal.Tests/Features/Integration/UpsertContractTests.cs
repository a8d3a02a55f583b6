using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Integration;

/// <summary>A portal of its own for the upsert contract: its row counts move only with this class's requests.</summary>
public sealed class UpsertContractPortal : IAsyncLifetime
{
    public PortalFactory Portal { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Two accounts: the documents are made on the first and sent again naming the second.</summary>
    public string Account { get; private set; } = "";

    public string OtherAccount { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        await Portal.InitializeAsync();
        Client = await Portal.CreateApiClientAsync();
        Account = await Client.NewAccountAsync();
        OtherAccount = await Client.NewAccountAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Portal.DisposeAsync();
    }
}

/// <summary>
/// The contract every <c>PUT /api/v1/*</c> keeps, checked route by route from the app's own endpoint data
/// source (so a new upsert is covered the day it is mapped): the same body twice is a 200 that writes
/// nothing; malformed JSON, a wrong type and a key sent twice are 400s naming the field; an unknown enum
/// value is a 400 listing the allowed ones; a document sent with another account is a 409; 20 identical
/// PUTs at once make one document and no 500. A PUT route without a sample here fails the test: add one
/// to <see cref="Samples"/>.
/// </summary>
public sealed class UpsertContractTests(UpsertContractPortal fixture) : IClassFixture<UpsertContractPortal>
{
    /// <summary>How to exercise one route: its URL for a fresh id, a valid body, and what it carries.</summary>
    private sealed record Sample(
        Func<UpsertContractPortal, string, Task<string>> Url,
        Func<UpsertContractPortal, string, JsonObject> Body,
        string? EnumField = null,
        bool HasAccount = true);

    private const string Usd = "USD";

    // Names, numbers and text people read: a NUL or a bidirectional override in any of them is refused.
    private static readonly HashSet<string> FreeText = new(StringComparer.Ordinal)
    {
        "number", "name", "description", "subject", "memo", "reason", "jobSite", "carrier", "trackingNumber", "productName", "licenseCode", "productCode", "category", "unit", "role", "methodDetail",
    };

    private static readonly Dictionary<string, Sample> Samples = new(StringComparer.Ordinal)
    {
        ["/api/v1/accounts/{externalId}"] = new(
            (_, id) => Task.FromResult($"/api/v1/accounts/{id}"),
            (_, id) => new JsonObject { ["number"] = id, ["name"] = "Contract " + id, ["currency"] = Usd, ["type"] = "credit", ["billDay"] = 5 },
            EnumField: "type",
            HasAccount: false),
        ["/api/v1/accounts/{externalId}/contacts/{contactId}"] = new(
            (f, id) => Task.FromResult($"/api/v1/accounts/{f.Account}/contacts/{id}"),
            (_, _) => new JsonObject { ["name"] = "Pat Doe", ["email"] = "pat@example.com", ["role"] = "billing", ["isPrimary"] = true },
            HasAccount: false),
        ["/api/v1/invoices/{externalId}"] = new(
            (_, id) => Task.FromResult($"/api/v1/invoices/{id}"),
            (f, id) => new JsonObject
            {
                ["account"] = f.Account,
                ["number"] = id,
                ["issueDate"] = "2026-10-01",
                ["dueDate"] = "2026-10-31",
                ["currency"] = Usd,
                ["memo"] = "Line one\nLine two",
                ["lines"] = new JsonArray(Line("Service", 2m, 10.5m), Line("Parts", 1m, 3.25m)),
            }),
        ["/api/v1/credits/{externalId}"] = new(
            (_, id) => Task.FromResult($"/api/v1/credits/{id}"),
            (f, id) => new JsonObject { ["account"] = f.Account, ["number"] = id, ["date"] = "2026-10-01", ["amount"] = 5m, ["currency"] = Usd, ["reason"] = "Goodwill" }),
        ["/api/v1/payments/{externalId}"] = new(
            (_, id) => Task.FromResult($"/api/v1/payments/{id}"),
            (f, id) => new JsonObject { ["account"] = f.Account, ["number"] = id, ["receivedAt"] = "2026-10-02T10:00:00Z", ["method"] = "check", ["methodDetail"] = "Check 1042", ["amount"] = 5m, ["currency"] = Usd, ["status"] = "succeeded" },
            EnumField: "method"),
        ["/api/v1/products/{code}"] = new(
            (_, id) => Task.FromResult($"/api/v1/products/{id}"),
            (_, _) => new JsonObject { ["name"] = "Boom lift", ["unit"] = "day", ["listPrice"] = 120.5m, ["currency"] = Usd, ["category"] = "Lifts" },
            HasAccount: false),
        ["/api/v1/accounts/{externalId}/prices/{productCode}"] = new(
            async (f, id) =>
            {
                // A price is keyed by its product: a fresh product stands for a fresh price.
                var product = await f.Client.PutJsonAsync($"/api/v1/products/{id}", new { name = "Priced " + id, unit = "each", listPrice = 10m, currency = Usd });
                Assert.Equal(HttpStatusCode.Created, product.StatusCode);
                return $"/api/v1/accounts/{f.Account}/prices/{id}";
            },
            (_, _) => new JsonObject { ["unitPrice"] = 9.5m, ["currency"] = Usd, ["validFrom"] = "2026-01-01" },
            HasAccount: false),
        ["/api/v1/contracts/{externalId}"] = new(
            (_, id) => Task.FromResult($"/api/v1/contracts/{id}"),
            (f, id) => new JsonObject
            {
                ["account"] = f.Account,
                ["number"] = id,
                ["status"] = "open",
                ["startDate"] = "2026-10-01",
                ["jobSite"] = "Main St",
                ["items"] = new JsonArray(new JsonObject { ["productCode"] = "LIFT", ["description"] = "Boom lift", ["quantityOut"] = 2m, ["quantityReturned"] = 1m, ["dateOut"] = "2026-10-01", ["rate"] = 100m, ["ratePeriod"] = "day" }),
            },
            EnumField: "status"),
        ["/api/v1/orders/{externalId}"] = new(
            (_, id) => Task.FromResult($"/api/v1/orders/{id}"),
            (f, id) => new JsonObject
            {
                ["account"] = f.Account,
                ["number"] = id,
                ["orderedAt"] = "2026-10-01T10:00:00Z",
                ["status"] = "partlyShipped",
                ["currency"] = Usd,
                ["lines"] = new JsonArray(PricedLine("PPE-KIT", 3m, 42.755m), PricedLine("GLOVES", 10m, 1.5m)),
            },
            EnumField: "status"),
        ["/api/v1/deliveries/{externalId}"] = new(
            (_, id) => Task.FromResult($"/api/v1/deliveries/{id}"),
            (f, id) => new JsonObject { ["account"] = f.Account, ["number"] = id, ["carrier"] = "UPS", ["trackingNumber"] = "1Z999", ["shippedAt"] = "2026-10-02T10:00:00Z" }),
        ["/api/v1/quotes/{externalId}"] = new(
            (_, id) => Task.FromResult($"/api/v1/quotes/{id}"),
            (f, id) => new JsonObject
            {
                ["account"] = f.Account,
                ["number"] = id,
                ["status"] = "sent",
                ["issuedOn"] = "2026-10-01",
                ["validUntil"] = "2026-10-31",
                ["currency"] = Usd,
                ["lines"] = new JsonArray(PricedLine("PPE-KIT", 1m, 42.5m)),
            },
            EnumField: "status"),
        ["/api/v1/service-calls/{number}"] = new(
            (_, id) => Task.FromResult($"/api/v1/service-calls/{id}"),
            (f, _) => new JsonObject { ["account"] = f.Account, ["subject"] = "Lift will not start", ["description"] = "Error E12\non start", ["priority"] = "high", ["status"] = "scheduled", ["scheduledFor"] = "2026-11-24T13:00:00Z" },
            EnumField: "priority"),
        ["/api/v1/licenses/{externalId}"] = new(
            (_, id) => Task.FromResult($"/api/v1/licenses/{id}"),
            (f, _) => new JsonObject { ["account"] = f.Account, ["productCode"] = "CAD", ["productName"] = "CAD Suite", ["licenseCode"] = "ABCD-1234", ["seats"] = 5, ["issuedOn"] = "2026-01-01", ["maintenance"] = "active", ["maintenanceEndsOn"] = "2026-12-31" },
            EnumField: "maintenance"),
        ["/api/v1/webhooks/{name}"] = new(
            (_, id) => Task.FromResult($"/api/v1/webhooks/{id.ToLowerInvariant()}"),
            (_, _) => new JsonObject { ["url"] = "https://example.com/hooks/portal", ["eventTypes"] = new JsonArray("invoice.created"), ["secret"] = new string('s', 40) },
            HasAccount: false),
    };

    /// <summary>
    /// PUT routes that move a request the portal itself created (a call-off's or a dispute's status) and
    /// never create one: an unknown number is a 404, not a 201, so the upsert contract above does not
    /// apply. Their own tests (CallOffTests, DisputeTests) cover their answers.
    /// </summary>
    private static readonly HashSet<string> StateMoves = new(StringComparer.Ordinal)
    {
        "/api/v1/calloffs/{number}",
        "/api/v1/disputes/{number}",
    };

    public static TheoryData<string> Routes => [.. Samples.Keys];

    [Fact]
    public void Every_PUT_route_of_the_api_has_a_sample_here()
    {
        var routes = fixture.Portal.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("PUT") == true)
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
            .Where(p => p.StartsWith("/api/v1/", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(routes);
        var missing = routes.Except(Samples.Keys).Except(StateMoves).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "PUT routes without a sample body in UpsertContractTests.Samples: " + string.Join(", ", missing));
        Assert.Empty(Samples.Keys.Except(routes));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task The_same_body_twice_is_200_and_writes_nothing(string route)
    {
        var sample = Samples[route];
        var id = ApiClient.NewId("K");
        var url = await sample.Url(fixture, id);
        var body = sample.Body(fixture, id);

        var first = await fixture.Client.PutJsonAsync(url, body);
        Assert.True(first.StatusCode == HttpStatusCode.Created, $"{route}: {(int)first.StatusCode} {await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        var before = await SnapshotAsync();
        var second = await fixture.Client.PutJsonAsync(url, body);
        var after = await SnapshotAsync();

        Assert.True(second.StatusCode == HttpStatusCode.OK, $"{route}: {(int)second.StatusCode} {await second.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        Assert.Equal(before, after);
        Assert.Equal(ApiClient.Canonical(await first.JsonAsync()), ApiClient.Canonical(await second.JsonAsync()));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Malformed_json_a_wrong_type_and_a_duplicate_key_are_400s_naming_the_field(string route)
    {
        var sample = Samples[route];
        var id = ApiClient.NewId("K");
        var url = await sample.Url(fixture, id);
        var body = sample.Body(fixture, id);
        var field = body.First().Key;
        var valid = body.ToJsonString();
        var before = await SnapshotAsync();

        var syntax = await PutTextAsync(url, $"{{\"{field}\": tru}}");
        var wrongType = await PutTextAsync(url, $"{{\"{field}\": [1]}}");
        var duplicate = await PutTextAsync(url, "{" + $"\"{field}\": {body[field]!.ToJsonString()}, " + valid[1..]);
        var nullBody = await PutTextAsync(url, "null");

        await syntax.ProblemAsync(HttpStatusCode.BadRequest, field);
        await wrongType.ProblemAsync(HttpStatusCode.BadRequest, field);
        var problem = await duplicate.ProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Contains("more than once", problem["errors"]![field]![0]!.GetValue<string>(), StringComparison.Ordinal);
        await nullBody.ProblemAsync(HttpStatusCode.BadRequest, "body");
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Null_items_and_hostile_text_are_400s_naming_the_field(string route)
    {
        var sample = Samples[route];
        var id = ApiClient.NewId("K");
        var url = await sample.Url(fixture, id);
        var before = await SnapshotAsync();

        // Every array of the body with a null item, and every text with a NUL or a right-to-left override.
        var body = sample.Body(fixture, id);
        var nulls = new List<string>();
        var hostile = new List<string>();
        foreach (var (name, value) in body.ToList())
        {
            if (value is JsonArray array)
            {
                array.Add(null);
                nulls.Add($"{name}[{array.Count - 1}]");
            }
            else if (value is JsonValue text && text.TryGetValue<string>(out var s) && FreeText.Contains(name))
            {
                body[name] = hostile.Count % 2 == 0 ? s + "\u0000" : "\u202E" + s;
                hostile.Add(name);
            }
        }

        if (nulls.Count + hostile.Count == 0)
        {
            return; // Only numbers, dates and codes (a price).
        }

        var response = await fixture.Client.PutJsonAsync(url, body);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        Assert.All(nulls.Concat(hostile), f => Assert.True(errors.ContainsKey(f), $"{route}: no error for '{f}' in {problem.ToJsonString()}"));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task An_unknown_enum_value_is_a_400_listing_the_allowed_ones(string route)
    {
        var sample = Samples[route];
        if (sample.EnumField is not { } field)
        {
            return; // This resource carries no enum.
        }

        var id = ApiClient.NewId("K");
        var url = await sample.Url(fixture, id);
        var body = sample.Body(fixture, id);
        var allowed = body[field]!.GetValue<string>();
        body[field] = "noSuchValue";

        var response = await fixture.Client.PutJsonAsync(url, body);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, field);
        var message = problem["errors"]![field]![0]!.GetValue<string>();
        Assert.StartsWith("One of: ", message, StringComparison.Ordinal);
        Assert.Contains(allowed, message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_document_sent_with_another_account_is_409_and_stays_where_it_is(string route)
    {
        var sample = Samples[route];
        if (!sample.HasAccount)
        {
            return; // The account is in the path, or the resource belongs to none.
        }

        var id = ApiClient.NewId("K");
        var url = await sample.Url(fixture, id);
        var body = sample.Body(fixture, id);
        Assert.Equal(HttpStatusCode.Created, (await fixture.Client.PutJsonAsync(url, body)).StatusCode);
        var before = await SnapshotAsync();
        body["account"] = fixture.OtherAccount;

        var moved = await fixture.Client.PutJsonAsync(url, body);

        var problem = await moved.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("another account", (string?)problem["title"], StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Twenty_identical_puts_at_once_make_one_document_and_no_500(string route)
    {
        var sample = Samples[route];

        // What one PUT of a new document adds, table by table...
        var oneId = ApiClient.NewId("K");
        var oneUrl = await sample.Url(fixture, oneId);
        var beforeOne = await CountsAsync();
        Assert.Equal(HttpStatusCode.Created, (await fixture.Client.PutJsonAsync(oneUrl, sample.Body(fixture, oneId))).StatusCode);
        var addedByOne = Delta(beforeOne, await CountsAsync());

        // ... is what twenty identical ones add.
        var id = ApiClient.NewId("K");
        var url = await sample.Url(fixture, id);
        var body = sample.Body(fixture, id).ToJsonString();
        var before = await CountsAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PutTextAsync(url, body)));
        var added = Delta(before, await CountsAsync());

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            await conflict.ProblemAsync(HttpStatusCode.Conflict);
        }

        Assert.Equal(addedByOne, added);
    }

    private static JsonObject Line(string description, decimal quantity, decimal unitPrice) =>
        new() { ["description"] = description, ["quantity"] = quantity, ["unitPrice"] = unitPrice };

    private static JsonObject PricedLine(string productCode, decimal quantity, decimal unitPrice) =>
        new() { ["productCode"] = productCode, ["description"] = "Item " + productCode, ["quantity"] = quantity, ["unit"] = "each", ["unitPrice"] = unitPrice };

    private Task<HttpResponseMessage> PutTextAsync(string url, string json) =>
        fixture.Client.PutAsync(url, new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    private static string Delta(Dictionary<string, long> before, Dictionary<string, long> after) =>
        string.Join(", ", after.Where(a => a.Value != before.GetValueOrDefault(a.Key)).OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}+{a.Value - before.GetValueOrDefault(a.Key)}"));

    /// <summary>Row count and latest UpdatedAt of every table: equal snapshots mean nothing was written.</summary>
    private async Task<string> SnapshotAsync()
    {
        var counts = await CountsAsync();
        var stamps = await fixture.Portal.WithDbAsync(async db =>
        {
            var result = new List<string>();
            foreach (var table in Tables(db).Where(t => t.HasUpdatedAt))
            {
                // Table names come from the EF model, never from input.
                var sql = "SELECT COALESCE(CAST(MAX(\"UpdatedAt\") AS TEXT), '') AS \"Value\" FROM \"" + table.Name + "\"";
                var latest = await db.Database.SqlQueryRaw<string>(sql).SingleAsync(TestContext.Current.CancellationToken);
                result.Add($"{table.Name}@{latest}");
            }

            return result;
        });
        return string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}").Concat(stamps));
    }

    private Task<Dictionary<string, long>> CountsAsync() => fixture.Portal.WithDbAsync(async db =>
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in Tables(db))
        {
            var sql = "SELECT COUNT(*) AS \"Value\" FROM \"" + table.Name + "\"";
            counts[table.Name] = await db.Database.SqlQueryRaw<long>(sql).SingleAsync(TestContext.Current.CancellationToken);
        }

        return counts;
    });

    private static IEnumerable<(string Name, bool HasUpdatedAt)> Tables(Portal.Data.PortalDb db) =>
        db.Model.GetEntityTypes()
            .Where(t => t.GetTableName() is not null && t.GetViewName() is null && !t.IsOwned())
            .GroupBy(t => t.GetTableName()!, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Any(t => t.FindProperty("UpdatedAt") is not null)))
            .OrderBy(t => t.Key, StringComparer.Ordinal);
}
