using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Email;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Admin.Outbox;

public sealed class IndexTests(PortalFactory portal)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<long> ArrangeFailedAsync(string to) => portal.WithDbAsync(async db =>
    {
        var now = DateTime.UtcNow;
        var message = new EmailMessage
        {
            To = to,
            Subject = "Your invoice is ready",
            TextBody = "Line one\n<b>not html</b>",
            Kind = "invoice-issued",
            Status = EmailStatus.Failed,
            Attempts = 10,
            CreatedAt = now.AddDays(-1),
            NextAttemptAt = now.AddHours(8),
            LastError = "Failure sending mail. Connection refused",
        };
        db.Add(message);
        await db.SaveChangesAsync();
        return message.Id;
    });

    [Fact]
    public async Task Staff_see_a_failed_email_read_its_text_and_retry_it()
    {
        var to = $"outbox-{Guid.NewGuid():N}@customer.example";
        var id = await ArrangeFailedAsync(to);
        var staff = await portal.LoginAsync("admin@example.com");

        var list = await staff.GetStringAsync("/admin/outbox?status=failed", Ct);
        var details = await staff.GetStringAsync($"/admin/outbox/{id}", Ct);

        Assert.Contains(to, list, StringComparison.Ordinal);
        Assert.Contains("Connection refused", list, StringComparison.Ordinal);
        Assert.Contains("Line one", details, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;not html&lt;/b&gt;", details, StringComparison.Ordinal);

        var response = await PortalFactory.PostFormAsync(staff, "/admin/outbox?handler=Retry", new Dictionary<string, string> { ["id"] = id.ToString(CultureInfo.InvariantCulture) }, "/admin/outbox");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var retried = await portal.WithDbAsync(db => db.EmailMessages.AsNoTracking().SingleAsync(m => m.Id == id));
        Assert.Equal(EmailStatus.Pending, retried.Status);
        Assert.True(retried.NextAttemptAt <= DateTime.UtcNow);
        Assert.DoesNotContain(to, await staff.GetStringAsync("/admin/outbox?status=failed", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_outbox_pages_backwards_by_id()
    {
        var staff = await portal.LoginAsync("admin@example.com");
        var first = await ArrangeFailedAsync($"older-{Guid.NewGuid():N}@customer.example");

        var page = await staff.GetStringAsync($"/admin/outbox?before={first + 1}", Ct);
        var after = await staff.GetStringAsync($"/admin/outbox?before={first}", Ct);

        Assert.Contains($"/admin/outbox/{first}\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"/admin/outbox/{first}\"", after, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/admin/outbox/999999999", Ct)).StatusCode);
    }
}
