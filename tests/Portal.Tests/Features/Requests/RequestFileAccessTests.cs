using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Identity;
using Portal.Features.Operator;
using Portal.Features.Requests;
using Portal.Infrastructure;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Features.ServiceCalls;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Requests;

/// <summary>A file attached to a request answers as the request's own page does: account, permission and feature switch.</summary>
public sealed class RequestFileAccessTests(PortalFactory portal)
{
    private const Permissions Caller = Permissions.View | Permissions.ServiceCalls;

    [Fact]
    public async Task A_service_calls_file_is_refused_to_a_member_without_the_service_calls_permission_and_not_found_for_another_account()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Caller);
        var client = await portal.LoginAsync(account.Email);
        var opened = await ServiceCallPortalTests.PostAsync(client, "/service-calls/new", "/service-calls/new",
            new() { ["Subject"] = "Pump leaks", ["Description"] = "Oil under the pump", ["Priority"] = "Normal" }, ("Files", "leak.png", ServiceCallPortalTests.Png));
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        var number = opened.Headers.Location!.OriginalString.Split('/')[^1];
        var fileId = await portal.WithDbAsync(db => db.RequestAttachments
            .Where(a => db.CustomerRequests.Any(r => r.Id == a.RequestId && r.Kind == RequestKind.ServiceCall && r.Number == number)).Select(a => a.Id).SingleAsync(ct));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/requests/files/{fileId}", ct)).StatusCode);

        // A colleague on the same account who may not see service calls: refused like the call's own page, and the bytes never sent.
        var colleague = await portal.LoginAsync(await AddMemberAsync(portal, account.Id, Permissions.View | Permissions.SeeMoney, ct));
        Assert.Equal(HttpStatusCode.Forbidden, (await colleague.GetAsync("/service-calls/" + number, ct)).StatusCode);
        var refused = await colleague.GetAsync($"/requests/files/{fileId}", ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var body = await refused.Content.ReadAsByteArrayAsync(ct);
        Assert.True(body.AsSpan().IndexOf(ServiceCallPortalTests.Png) < 0, "The refused download carried the file's bytes.");
        // Nor is the call listed for them on /requests.
        Assert.DoesNotContain(number, await colleague.GetStringAsync("/requests", ct), StringComparison.Ordinal);

        var stranger = await portal.LoginAsync((await InvoiceTestData.NewAccountAsync(portal, Permissions.All)).Email);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/requests/files/{fileId}", ct)).StatusCode);
    }

    [Fact]
    public async Task A_requests_file_is_not_found_while_its_kinds_feature_is_off()
    {
        var ct = TestContext.Current.CancellationToken;
        // A portal of its own: switching features off must not disturb tests running on the shared one.
        await using var own = new PortalFactory();
        await own.InitializeAsync();
        var client = await own.LoginAsync(DemoData.CustomerEmail);
        var files = await own.WithDbAsync(db => db.RequestAttachments
            .Join(db.CustomerRequests, a => a.RequestId, r => r.Id, (a, r) => new { a.Id, r.Kind, r.AccountId })
            .Where(x => db.Accounts.Any(a => a.Id == x.AccountId && a.Number == "10001"))
            .GroupBy(x => x.Kind).Select(g => new { Kind = g.Key, Id = g.Min(x => x.Id) }).ToListAsync(ct));
        var serviceCallFile = files.Single(f => f.Kind == RequestKind.ServiceCall).Id;
        var disputeFile = files.Single(f => f.Kind == RequestKind.Dispute).Id;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/requests/files/{serviceCallFile}", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/requests/files/{disputeFile}", ct)).StatusCode);

        await SetAsync(own, PortalFeature.ServiceCalls, on: false, ct);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/requests/files/{serviceCallFile}", ct)).StatusCode);
        // Only that kind's files: a dispute's stays.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/requests/files/{disputeFile}", ct)).StatusCode);

        await SetAsync(own, PortalFeature.Disputes, on: false, ct);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/requests/files/{disputeFile}", ct)).StatusCode);

        await SetAsync(own, PortalFeature.ServiceCalls, on: true, ct);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/requests/files/{serviceCallFile}", ct)).StatusCode);
    }

    internal static async Task SetAsync(PortalFactory portal, PortalFeature feature, bool on, CancellationToken ct)
    {
        await portal.WithDbAsync(async db =>
        {
            (await db.OperatorSettings.SingleAsync(ct)).Set(feature, on);
            await db.SaveChangesAsync(ct);
        });
        portal.Services.GetRequiredService<OperatorSettingsCache>().Invalidate();
    }

    /// <summary>Another user on the account, holding <paramref name="permissions"/>; returns the e-mail to log in with.</summary>
    internal static async Task<string> AddMemberAsync(PortalFactory portal, long accountId, Permissions permissions, CancellationToken ct)
    {
        var email = $"member-{Guid.NewGuid():N}@example.com";
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var created = await users.CreateAsync(new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Member" }, DemoData.Password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var user = await db.Users.SingleAsync(u => u.Email == email, ct);
        db.Memberships.Add(new Membership { UserId = user.Id, AccountId = accountId, Permissions = permissions, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync(ct);
        return email;
    }
}
