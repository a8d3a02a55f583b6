using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Infrastructure;
using Portal.Infrastructure.Email;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Email;

public sealed class EmailSenderTests : IDisposable
{
    private readonly string _pickup = Path.Combine(Path.GetTempPath(), "portal-mail-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<long> EnqueueAsync(WorkerPortal portal, string to, string subject, string? html = null)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var message = scope.ServiceProvider.GetRequiredService<EmailOutbox>().Enqueue(to, subject, "Hello from the portal.\nSecond line.", html, "test");
        await db.SaveChangesAsync();
        return message.Id;
    }

    private static Task<EmailMessage> LoadAsync(WorkerPortal portal, long id) =>
        portal.WithDbAsync(db => db.EmailMessages.AsNoTracking().SingleAsync(m => m.Id == id));

    [Fact]
    public async Task A_message_lands_as_an_eml_file_in_the_pickup_directory()
    {
        await using var portal = WorkerPortal.Start(new Dictionary<string, string?> { ["Email:PickupDirectory"] = _pickup, ["Email:From"] = "billing@operator.example" });
        var id = await EnqueueAsync(portal, "pat@customer.example", "Your receipt 123");
        var htmlId = await EnqueueAsync(portal, "lee@customer.example", "Your invitation", "<p>Hello</p>");

        await portal.Get<EmailSender>().RunOnceAsync(Ct);

        var files = Directory.GetFiles(_pickup, "*.eml").Select(File.ReadAllText).ToList();
        Assert.Equal(2, files.Count);
        var receipt = Assert.Single(files, f => f.Contains("pat@customer.example", StringComparison.Ordinal));
        Assert.Contains("Subject: Your receipt 123", receipt, StringComparison.Ordinal);
        Assert.Contains("billing@operator.example", receipt, StringComparison.Ordinal);
        Assert.Contains("Hello from the portal.", receipt, StringComparison.Ordinal);
        var invitation = Assert.Single(files, f => f.Contains("lee@customer.example", StringComparison.Ordinal));
        Assert.Contains("multipart/alternative", invitation, StringComparison.Ordinal);
        Assert.Contains("text/plain", invitation, StringComparison.Ordinal);
        Assert.Contains("text/html", invitation, StringComparison.Ordinal);
        foreach (var m in new[] { await LoadAsync(portal, id), await LoadAsync(portal, htmlId) })
        {
            Assert.Equal(EmailStatus.Sent, m.Status);
            Assert.Equal(1, m.Attempts);
            Assert.NotNull(m.SentAt);
        }

        // Sent once: another pass writes nothing more.
        await portal.Get<EmailSender>().RunOnceAsync(Ct);
        Assert.Equal(2, Directory.GetFiles(_pickup, "*.eml").Length);
    }

    [Fact]
    public async Task With_the_smtp_server_down_a_message_waits_and_is_retried_then_marked_failed()
    {
        await using var portal = WorkerPortal.Start(new Dictionary<string, string?>
        {
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:MaxAttempts"] = "3",
        });
        var id = await EnqueueAsync(portal, "pat@customer.example", "Payment failed");
        var before = portal.Clock.GetUtcNow().UtcDateTime;

        await portal.Get<EmailSender>().RunOnceAsync(Ct);

        var m = await LoadAsync(portal, id);
        Assert.Equal(EmailStatus.Pending, m.Status);
        Assert.Equal(1, m.Attempts);
        // The clock stands still: the first retry is exactly five minutes after the attempt, on the workers' millisecond.
        Assert.Equal(WorkerTime.Floor(before).AddMinutes(5), m.NextAttemptAt);
        Assert.False(string.IsNullOrEmpty(m.LastError));
        Assert.Null(m.SentAt);

        // Not due yet: nothing happens.
        await portal.Get<EmailSender>().RunOnceAsync(Ct);
        Assert.Equal(1, (await LoadAsync(portal, id)).Attempts);

        portal.Clock.Advance(TimeSpan.FromMinutes(6));
        await portal.Get<EmailSender>().RunOnceAsync(Ct);
        m = await LoadAsync(portal, id);
        Assert.Equal((EmailStatus.Pending, 2), (m.Status, m.Attempts));
        Assert.InRange(m.NextAttemptAt - portal.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));

        portal.Clock.Advance(TimeSpan.FromMinutes(11));
        await portal.Get<EmailSender>().RunOnceAsync(Ct);
        m = await LoadAsync(portal, id);
        Assert.Equal((EmailStatus.Failed, 3), (m.Status, m.Attempts));
        Assert.Equal("Payment failed", m.Subject);
    }

    [Fact]
    public async Task Without_smtp_or_pickup_settings_mail_goes_to_the_data_folder()
    {
        await using var portal = WorkerPortal.Start();

        var sender = portal.Get<EmailSender>();

        Assert.EndsWith(Path.Combine("data", "mail"), sender.DefaultPickupDirectory, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        if (Directory.Exists(_pickup))
        {
            Directory.Delete(_pickup, recursive: true);
        }
    }
}
