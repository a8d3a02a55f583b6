using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Events;
using Portal.Features.Integration;
using Portal.Infrastructure.Events;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Events;

public sealed class EventsEndpointTests(PortalFactory portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpClient> ApiAsync()
    {
        var stdout = new StringWriter();
        await ApiKeyCommands.RunAsync(portal.Services, ["api-key", "create", "events-api"], stdout, new StringWriter());
        var client = portal.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", stdout.ToString().Trim());
        return client;
    }

    // Other tests record events in the same database at the same time: each test polls its own type.
    private static string NewType() => "test.poll_" + Guid.NewGuid().ToString("N")[..12];

    private async Task<List<long>> RecordAsync(string type, int count)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var events = scope.ServiceProvider.GetRequiredService<IntegrationEvents>();
        var recorded = Enumerable.Range(0, count).Select(i => events.Record(type, null, i % 2 == 0 ? "ACC-10001" : null, new { sequence = i })).ToList();
        await db.SaveChangesAsync(Ct);
        return recorded.Select(e => e.Id).ToList();
    }

    [Fact]
    public async Task Polling_returns_the_events_after_the_cursor_in_order_page_by_page()
    {
        var api = await ApiAsync();
        var type = NewType();
        var ids = await RecordAsync(type, 5);

        var seen = new List<EventsEndpoint.PolledEvent>();
        long cursor = 0;
        var pages = 0;
        EventsEndpoint.EventsPage? page;
        do
        {
            page = await api.GetFromJsonAsync<EventsEndpoint.EventsPage>($"/api/v1/events?after={cursor}&limit=2&type={type}", Ct);
            seen.AddRange(page!.Events);
            cursor = page.NextCursor;
            pages++;
        }
        while (page.HasMore);

        Assert.Equal(3, pages);
        Assert.Equal(ids, seen.Select(e => e.Cursor));
        Assert.Equal([0, 1, 2, 3, 4], seen.Select(e => e.Data.GetProperty("sequence").GetInt32()));
        Assert.Equal("ACC-10001", seen[0].Account?.Id);
        Assert.Null(seen[1].Account);
        Assert.All(seen, e => Assert.Equal(type, e.Type));
        Assert.Equal(5, seen.Select(e => e.Id).Distinct().Count());

        var more = await RecordAsync(type, 1);
        var next = await api.GetFromJsonAsync<EventsEndpoint.EventsPage>($"/api/v1/events?after={cursor}&type={type}", Ct);
        Assert.Equal(more, next!.Events.Select(e => e.Cursor));
        var none = await api.GetFromJsonAsync<EventsEndpoint.EventsPage>($"/api/v1/events?after={next.NextCursor}&type={type}", Ct);
        Assert.Empty(none!.Events);
        Assert.Equal(next.NextCursor, none.NextCursor);
    }

    [Fact]
    public async Task Without_a_type_every_event_after_the_cursor_comes_in_id_order()
    {
        var api = await ApiAsync();
        var ids = await RecordAsync(NewType(), 3);

        var page = await api.GetFromJsonAsync<EventsEndpoint.EventsPage>($"/api/v1/events?after={ids[0] - 1}&limit=1000", Ct);

        var cursors = page!.Events.Select(e => e.Cursor).ToList();
        Assert.Equal(cursors.Order(), cursors);
        Assert.Equal(ids[0], cursors[0]);
        Assert.Superset(ids.ToHashSet(), cursors.ToHashSet());
    }

    [Fact]
    public async Task An_event_recorded_in_a_transaction_that_rolls_back_is_never_seen()
    {
        var api = await ApiAsync();
        var type = NewType();
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            scope.ServiceProvider.GetRequiredService<IntegrationEvents>().Record(type, null, null, new { lost = true });
            await db.SaveChangesAsync(Ct);
            await tx.RollbackAsync(Ct);
        }

        var page = await api.GetFromJsonAsync<EventsEndpoint.EventsPage>($"/api/v1/events?type={type}", Ct);

        Assert.Empty(page!.Events);
    }

    [Fact]
    public async Task A_poller_never_moves_past_an_event_whose_transaction_is_still_open()
    {
        var api = await ApiAsync();
        var type = NewType();
        await api.GetFromJsonAsync<EventsEndpoint.EventsPage>($"/api/v1/events?type={type}", Ct);

        // A slow action: its event has the lower id but commits last.
        await using var slowScope = portal.Services.CreateAsyncScope();
        var slowDb = slowScope.ServiceProvider.GetRequiredService<PortalDb>();
        var slowTx = await slowDb.Database.BeginTransactionAsync(Ct);
        var slow = slowScope.ServiceProvider.GetRequiredService<IntegrationEvents>().Record(type, null, null, new { slow = true });
        await slowDb.SaveChangesAsync(Ct);

        // A quick one after it (on SQLite it waits for the slow one's write lock).
        var quick = Task.Run(() => RecordAsync(type, 1), Ct);
        await Task.WhenAny(quick, Task.Delay(500, Ct));
        var firstPoll = Task.Run(() => api.GetFromJsonAsync<EventsEndpoint.EventsPage>($"/api/v1/events?type={type}", Ct), Ct);
        await Task.WhenAny(firstPoll, Task.Delay(1500, Ct));
        await slowTx.CommitAsync(Ct);
        await slowTx.DisposeAsync();
        var quickIds = await quick;
        var first = await firstPoll;
        var second = await api.GetFromJsonAsync<EventsEndpoint.EventsPage>($"/api/v1/events?type={type}&after={first!.NextCursor}", Ct);

        var firstCursors = first.Events.Select(e => e.Cursor).ToList();
        Assert.True(!firstCursors.Contains(quickIds[0]) || firstCursors.Contains(slow.Id), "the poll returned the later event without the earlier one");
        Assert.Equal([slow.Id, quickIds[0]], firstCursors.Concat(second!.Events.Select(e => e.Cursor)));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("after=-1", "after")]
    public async Task Bad_paging_is_a_400_naming_the_parameter(string query, string field)
    {
        var api = await ApiAsync();

        var response = await api.GetAsync($"/api/v1/events?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
