using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Usage;

public sealed class UsageApiTests(PortalFactory portal)
{
    private static object Record(string id, string account = "ACC-20001", decimal quantity = 12.5m, string? invoice = null) => new
    {
        externalId = id,
        account,
        productCode = "DATA-GB",
        identifier = "line-555-0101",
        description = "Mobile data",
        occurredAt = new DateTime(2026, 10, 3, 14, 0, 0, DateTimeKind.Utc),
        quantity,
        unit = "GB",
        invoice,
    };

    private Task<int> CountAsync(string prefix) =>
        portal.WithDbAsync(db => db.UsageRecords.CountAsync(u => u.ExternalId.StartsWith(prefix), TestContext.Current.CancellationToken));

    [Fact]
    public async Task A_batch_reports_new_records_and_resending_it_changes_nothing()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var prefix = IntegrationClient.Unique("u");
        var batch = new { records = Enumerable.Range(0, 250).Select(i => Record($"{prefix}-{i}")).ToList() };

        var first = await client.PostAsJsonAsync("/api/v1/usage", batch, TestContext.Current.CancellationToken);
        var second = await client.PostAsJsonAsync("/api/v1/usage", batch, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var a = await first.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var b = await second.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(250, a.GetProperty("new").GetInt32());
        Assert.Equal(0, a.GetProperty("alreadyKnown").GetInt32());
        Assert.Equal(0, b.GetProperty("new").GetInt32());
        Assert.Equal(250, b.GetProperty("alreadyKnown").GetInt32());
        Assert.Equal(250, await CountAsync(prefix));
    }

    [Fact]
    public async Task A_record_is_filed_under_the_utc_month_its_time_falls_in()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var id = IntegrationClient.Unique("um");
        // 23:30 on 31 October in New York is 03:30 on 1 November in UTC.
        var record = new { externalId = id, account = "ACC-20001", productCode = "DATA-GB", occurredAt = "2026-10-31T23:30:00-04:00", quantity = 1, unit = "GB" };

        var response = await client.PostAsJsonAsync("/api/v1/usage", new { records = new[] { record } }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await portal.WithDbAsync(db => db.UsageRecords.AsNoTracking().SingleAsync(u => u.ExternalId == id, TestContext.Current.CancellationToken));
        Assert.Equal(new DateTime(2026, 11, 1, 3, 30, 0, DateTimeKind.Utc), stored.OccurredAt);
        Assert.Equal(202611, stored.Month);
        // A period query names its months next to its time bounds, and finds the record through them.
        var from = new DateTime(2026, 10, 15, 0, 0, 0, DateTimeKind.Utc);
        var to = new DateTime(2026, 11, 14, 23, 59, 59, DateTimeKind.Utc);
        var months = Portal.Features.Usage.UsageRecord.MonthsOf(from, to);
        Assert.Equal([202610, 202611], months);
        var found = await portal.WithDbAsync(db => db.UsageRecords.CountAsync(
            u => months.Contains(u.Month) && u.AccountId == stored.AccountId && u.OccurredAt >= from && u.OccurredAt <= to && u.ExternalId == id,
            TestContext.Current.CancellationToken));
        Assert.Equal(1, found);
    }

    [Fact]
    public async Task Stored_records_keep_exact_quantity_and_utc_time()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var id = IntegrationClient.Unique("uq");

        var response = await client.PostAsJsonAsync("/api/v1/usage", new { records = new[] { Record(id, quantity: 1234.5678m) } }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await portal.WithDbAsync(db => db.UsageRecords.AsNoTracking().SingleAsync(u => u.ExternalId == id, TestContext.Current.CancellationToken));
        Assert.Equal(1234.5678m, stored.Quantity);
        Assert.Equal(new DateTime(2026, 10, 3, 14, 0, 0, DateTimeKind.Utc), stored.OccurredAt);
        Assert.Equal(DateTimeKind.Utc, stored.OccurredAt.Kind);
        // EF reads back and compares rows written by the bulk path like its own.
        var inOctober = await portal.WithDbAsync(db => db.UsageRecords.CountAsync(u => u.ExternalId == id && u.OccurredAt >= new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc) && u.OccurredAt < new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), TestContext.Current.CancellationToken));
        Assert.Equal(1, inOctober);
    }

    [Fact]
    public async Task One_bad_record_rejects_the_whole_batch_and_names_it()
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var prefix = IntegrationClient.Unique("ub");
        var records = Enumerable.Range(0, 10).Select(i => Record($"{prefix}-{i}")).ToList();
        records[7] = Record($"{prefix}-7", quantity: -3m);

        var response = await client.PostAsJsonAsync("/api/v1/usage", new { records }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("records[7].quantity", await IntegrationClient.ErrorFieldsAsync(response));
        Assert.Equal(0, await CountAsync(prefix));
    }

    [Theory]
    [InlineData("unknown-account", "records[0].account")]
    [InlineData("duplicate", "records[1].externalId")]
    [InlineData("too-precise", "records[0].quantity")]
    [InlineData("foreign-invoice", "records[0].invoice")]
    [InlineData("missing-unit", "records[0].unit")]
    public async Task Bad_records_get_400_naming_the_field_and_nothing_is_written(string problem, string field)
    {
        var client = await IntegrationClient.CreateAsync(portal);
        var prefix = IntegrationClient.Unique("ux");
        var northwindInvoice = await portal.WithDbAsync(db => db.Invoices.Where(i => i.Account!.Number == "30001").Select(i => i.ExternalId).FirstAsync(TestContext.Current.CancellationToken));
        object[] records = problem switch
        {
            "unknown-account" => [Record($"{prefix}-0", account: "NO-SUCH-ACCOUNT")],
            "duplicate" => [Record($"{prefix}-0"), Record($"{prefix}-0")],
            "too-precise" => [Record($"{prefix}-0", quantity: 1.23456m)],
            "foreign-invoice" => [Record($"{prefix}-0", invoice: northwindInvoice)],
            _ => [new { externalId = $"{prefix}-0", account = "ACC-20001", productCode = "X", occurredAt = DateTime.UtcNow.AddDays(-1), quantity = 1 }],
        };

        var response = await client.PostAsJsonAsync("/api/v1/usage", new { records }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await IntegrationClient.ErrorFieldsAsync(response));
        Assert.Equal(0, await CountAsync(prefix));
    }

    [Fact]
    public async Task An_empty_or_malformed_batch_is_a_400_problem()
    {
        var client = await IntegrationClient.CreateAsync(portal);

        var empty = await client.PostAsJsonAsync("/api/v1/usage", new { records = Array.Empty<object>() }, TestContext.Current.CancellationToken);
        var malformed = await client.PostAsync("/api/v1/usage", new StringContent("{\"records\": [ {\"quantity\": \"lots\"", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("records", await IntegrationClient.ErrorFieldsAsync(empty));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }
}
