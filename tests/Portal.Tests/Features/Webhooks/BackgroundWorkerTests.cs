using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Infrastructure.Email;
using Portal.Tests.Infrastructure;
using static Portal.Tests.Features.Webhooks.WebhookTestData;

namespace Portal.Tests.Features.Webhooks;

public sealed class BackgroundWorkerTests : IDisposable
{
    private readonly string _pickup = Path.Combine(Path.GetTempPath(), "portal-mail-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task With_workers_on_events_and_mail_go_out_without_anyone_driving_them()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var portal = new PortalFactory();
        portal.Settings["Workers:Enabled"] = "true";
        portal.Settings["Workers:Interval"] = "00:00:00.200";
        portal.Settings["Email:PickupDirectory"] = _pickup;
        await using var receiver = await WebhookReceiver.StartAsync();
        var stdout = new StringWriter();
        await Portal.Features.Integration.ApiKeyCommands.RunAsync(portal.Services, ["api-key", "create", "workers"], stdout, new StringWriter());
        var api = portal.CreateClient();
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", stdout.ToString().Trim());
        await SubscribeAsync(api, "live", receiver, "*");

        await RecordAsync(portal.Services, ("payment.succeeded", "ACC-10001"));
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<EmailOutbox>().Enqueue("pat@customer.example", "Receipt", "Thanks.", null, "receipt");
            await scope.ServiceProvider.GetRequiredService<PortalDb>().SaveChangesAsync(ct);
        }

        // Other workers run too: the demo's autopay may charge a due invoice and send its own payment.succeeded
        // (it did on the 1st of a month), so wait for this test's event and receipt among theirs.
        for (var i = 0; i < 300 && (Recorded().Count == 0 || Receipts().Count == 0); i++)
        {
            await Task.Delay(100, ct);
        }

        var delivered = Assert.Single(Recorded());
        Assert.Equal("ACC-10001", delivered.GetProperty("account").GetProperty("id").GetString());
        var receipt = Assert.Single(Receipts());
        Assert.Equal("pat@customer.example", receipt.To.Mailboxes.Single().Address);

        // The events RecordAsync wrote carry a sequence number; the autopay's carry an attempt instead.
        List<System.Text.Json.JsonElement> Recorded() => [.. receiver.Processed.Where(e =>
            e.GetProperty("data").TryGetProperty("sequence", out _))];
    }

    private List<MimeKit.MimeMessage> Receipts() => Directory.Exists(_pickup)
        ? [.. Directory.GetFiles(_pickup, "*.eml").Select(f => MimeKit.MimeMessage.Load(f)).Where(m => m.Subject == "Receipt")]
        : [];

    public void Dispose()
    {
        if (Directory.Exists(_pickup))
        {
            Directory.Delete(_pickup, recursive: true);
        }
    }
}
