using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Webhooks;
using Portal.Infrastructure.Events;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Admin.Webhooks;

public sealed class DetailsTests(PortalFactory portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Name, long GaveUpId)> ArrangeAsync()
    {
        var name = "console-" + Guid.NewGuid().ToString("N")[..10];
        long gaveUpId = 0;
        await portal.WithDbAsync(async db =>
        {
            var now = DateTime.UtcNow;
            var subscription = new WebhookSubscription { Name = name, Url = "https://billing.example.com/hook", EventTypes = "*", ProtectedSecret = "x", Active = true, CreatedAt = now, UpdatedAt = now };
            db.Add(subscription);
            var events = portal.Services.CreateScope().ServiceProvider.GetRequiredService<IntegrationEvents>();
            var e1 = new IntegrationEvent { EventId = Guid.NewGuid(), Type = "payment.succeeded", AccountExternalId = "ACC-10001", Payload = "{}", OccurredAt = now };
            var e2 = new IntegrationEvent { EventId = Guid.NewGuid(), Type = "order.placed", AccountExternalId = "ACC-20001", Payload = "{}", OccurredAt = now };
            db.AddRange(e1, e2);
            await db.SaveChangesAsync();
            var ok = new WebhookDelivery { SubscriptionId = subscription.Id, IntegrationEventId = e1.Id, Status = WebhookDeliveryStatus.Succeeded, Attempts = 1, LastStatusCode = 200, NextAttemptAt = now, CreatedAt = now, DeliveredAt = now };
            var gaveUp = new WebhookDelivery { SubscriptionId = subscription.Id, IntegrationEventId = e2.Id, Status = WebhookDeliveryStatus.GaveUp, Attempts = 31, LastStatusCode = 502, LastError = "HTTP 502 Bad Gateway", NextAttemptAt = now.AddHours(1), CreatedAt = now.AddDays(-1) };
            db.AddRange(ok, gaveUp);
            await db.SaveChangesAsync();
            gaveUpId = gaveUp.Id;
        });
        return (name, gaveUpId);
    }

    [Fact]
    public async Task Staff_see_the_delivery_log_and_retry_a_given_up_delivery()
    {
        var (name, gaveUpId) = await ArrangeAsync();
        var staff = await portal.LoginAsync("admin@example.com");

        var list = await staff.GetStringAsync("/admin/webhooks", Ct);
        var log = await staff.GetStringAsync($"/admin/webhooks/{name}", Ct);

        Assert.Contains(name, list, StringComparison.Ordinal);
        Assert.Contains("HTTP 502 Bad Gateway", log, StringComparison.Ordinal);
        Assert.Contains("order.placed", log, StringComparison.Ordinal);
        Assert.Contains("payment.succeeded", log, StringComparison.Ordinal);
        Assert.Contains("Retry now", log, StringComparison.Ordinal);

        var response = await PortalFactory.PostFormAsync(staff, $"/admin/webhooks/{name}?handler=Retry", new Dictionary<string, string> { ["id"] = gaveUpId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, $"/admin/webhooks/{name}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var retried = await portal.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == gaveUpId));
        Assert.Equal(WebhookDeliveryStatus.Failed, retried.Status);
        Assert.True(retried.NextAttemptAt <= DateTime.UtcNow);
        var audited = await portal.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "webhook.delivery_retried" && a.TargetId == name).ToListAsync());
        Assert.Equal("admin@example.com", Assert.Single(audited).ActorEmail);
        var failedOnly = await staff.GetStringAsync($"/admin/webhooks/{name}?status=failed", Ct);
        Assert.Contains("order.placed", failedOnly, StringComparison.Ordinal);
        Assert.DoesNotContain("payment.succeeded", failedOnly, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_webhook_is_not_found_and_customers_cannot_see_the_console()
    {
        var (name, _) = await ArrangeAsync();
        var staff = await portal.LoginAsync("admin@example.com");
        var customer = await portal.LoginAsync("demo@example.com");

        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/admin/webhooks/no-such-hook", Ct)).StatusCode);
        foreach (var url in new[] { "/admin/webhooks", $"/admin/webhooks/{name}", "/admin/outbox" })
        {
            var response = await customer.GetAsync(url, Ct);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(name, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
    }
}
