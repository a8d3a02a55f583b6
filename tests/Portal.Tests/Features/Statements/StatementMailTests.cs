using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Features.Statements;
using Portal.Infrastructure;
using Portal.Infrastructure.Email;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Statements;

/// <summary>When a scheduled statement is due, and what range it covers.</summary>
public sealed class StatementScheduleTests
{
    [Theory]
    [InlineData("2026-01-04", 5, "2026-01-05")]
    [InlineData("2026-01-05", 5, "2026-02-05")]
    [InlineData("2026-01-31", 28, "2026-02-28")]
    [InlineData("2026-12-28", 28, "2027-01-28")]
    [InlineData("2026-12-31", 1, "2027-01-01")]
    public void Monthly_next_is_the_day_strictly_after(string after, int day, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            StatementSchedule.NextAfter(StatementFrequency.Monthly, day, DateOnly.Parse(after, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Weekly_next_and_latest_land_on_the_weekday()
    {
        var monday = new DateOnly(2026, 11, 30);
        Assert.Equal(DayOfWeek.Monday, monday.DayOfWeek);
        Assert.Equal(monday.AddDays(7), StatementSchedule.NextAfter(StatementFrequency.Weekly, (int)DayOfWeek.Monday, monday));
        Assert.Equal(monday.AddDays(4), StatementSchedule.NextAfter(StatementFrequency.Weekly, (int)DayOfWeek.Friday, monday));
        Assert.Equal(monday, StatementSchedule.LatestOnOrBefore(StatementFrequency.Weekly, (int)DayOfWeek.Monday, monday));
        Assert.Equal(monday.AddDays(-3), StatementSchedule.LatestOnOrBefore(StatementFrequency.Weekly, (int)DayOfWeek.Friday, monday));
        Assert.Equal((monday.AddDays(-7), monday.AddDays(-1)), StatementSchedule.Range(StatementFrequency.Weekly, monday));
    }

    [Fact]
    public void A_monthly_statement_covers_the_month_before_its_day()
    {
        Assert.Equal(new DateOnly(2026, 11, 1), StatementSchedule.LatestOnOrBefore(StatementFrequency.Monthly, 1, new DateOnly(2026, 11, 30)));
        Assert.Equal(new DateOnly(2026, 10, 15), StatementSchedule.LatestOnOrBefore(StatementFrequency.Monthly, 15, new DateOnly(2026, 11, 14)));
        Assert.Equal((new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31)), StatementSchedule.Range(StatementFrequency.Monthly, new DateOnly(2026, 11, 1)));
    }
}

/// <summary><c>/settings/statements</c>: subscribing, changing, stopping, and bad input that writes nothing.</summary>
public sealed class StatementSubscriptionPageTests(PortalFactory portal)
{
    private const string Url = "/settings/statements";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string handler, params (string Name, string Value)[] fields) =>
        PortalFactory.PostFormAsync(client, Url + "?handler=" + handler, fields.ToDictionary(f => f.Name, f => f.Value), Url);

    private Task<List<StatementSubscription>> SubscriptionsAsync(ArrangedAccount account) =>
        portal.WithDbAsync(db => db.StatementSubscriptions.AsNoTracking().Where(s => s.AccountId == account.Id).ToListAsync(Ct));

    [Fact]
    public async Task Subscribing_monthly_writes_one_row_an_event_and_the_trail_and_choosing_again_changes_it()
    {
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View | Permissions.SeeMoney);
        var client = await portal.LoginAsync(account.Email);
        var today = await portal.Services.GetRequiredService<OperatorClock>().TodayAsync(Ct);

        var saved = await PostAsync(client, "Save", ("Frequency", "monthly"), ("DayOfMonth", "5"), ("Weekday", "1"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var sub = Assert.Single(await SubscriptionsAsync(account));
        Assert.Equal((StatementFrequency.Monthly, 5), (sub.Frequency, sub.Day));
        Assert.Equal(StatementSchedule.NextAfter(StatementFrequency.Monthly, 5, today), sub.NextSendOn);
        var html = WebUtility.HtmlDecode(await client.GetStringAsync(Url, Ct));
        Assert.Contains("monthly on day 5", html, StringComparison.Ordinal);

        var changed = await PostAsync(client, "Save", ("Frequency", "weekly"), ("DayOfMonth", "5"), ("Weekday", "5"));
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        sub = Assert.Single(await SubscriptionsAsync(account));
        Assert.Equal((StatementFrequency.Weekly, (int)DayOfWeek.Friday), (sub.Frequency, sub.Day));
        Assert.Equal(DayOfWeek.Friday, sub.NextSendOn.DayOfWeek);

        var events = await portal.WithDbAsync(db => db.IntegrationEvents.Where(e => e.AccountId == account.Id).OrderBy(e => e.Id).Select(e => e.Type).ToListAsync(Ct));
        Assert.Equal(["statement_subscription.created", "statement_subscription.changed"], events);
        var trail = await portal.WithDbAsync(db => db.ActivityEntries.Where(e => e.AccountId == account.Id).Select(e => e.Action).ToListAsync(Ct));
        Assert.Contains("statement.subscribed", trail);
        Assert.Contains("statement.subscription-changed", trail);
    }

    [Theory]
    [InlineData("monthly", "0", "1", "DayOfMonth")]
    [InlineData("monthly", "29", "1", "DayOfMonth")]
    [InlineData("monthly", "five", "1", "DayOfMonth")]
    [InlineData("monthly", "-1", "1", "DayOfMonth")]
    [InlineData("weekly", "1", "7", "Weekday")]
    [InlineData("weekly", "1", "", "Weekday")]
    [InlineData("daily", "1", "1", "Frequency")]
    [InlineData("", "1", "1", "Frequency")]
    public async Task Bad_input_gets_a_message_on_its_field_and_writes_nothing(string frequency, string day, string weekday, string field)
    {
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View | Permissions.SeeMoney);
        var client = await portal.LoginAsync(account.Email);

        var response = await PostAsync(client, "Save", ("Frequency", frequency), ("DayOfMonth", day), ("Weekday", weekday));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("class=\"field-error\"", html, StringComparison.Ordinal);
        Assert.Contains(field switch { "DayOfMonth" => "day-error", "Weekday" => "weekday-error", _ => "frequency-error" }, html, StringComparison.Ordinal);
        Assert.Empty(await SubscriptionsAsync(account));
        Assert.Equal(0, await portal.WithDbAsync(db => db.IntegrationEvents.CountAsync(e => e.AccountId == account.Id, Ct)));
    }

    [Fact]
    public async Task Stopping_removes_only_ones_own_subscription()
    {
        var mine = await InvoiceTestData.NewAccountAsync(portal, Permissions.View | Permissions.SeeMoney);
        var theirs = await InvoiceTestData.NewAccountAsync(portal, Permissions.View | Permissions.SeeMoney);
        var me = await portal.LoginAsync(mine.Email);
        var them = await portal.LoginAsync(theirs.Email);
        await PostAsync(me, "Save", ("Frequency", "monthly"), ("DayOfMonth", "3"), ("Weekday", "1"));
        await PostAsync(them, "Save", ("Frequency", "monthly"), ("DayOfMonth", "3"), ("Weekday", "1"));
        var their = Assert.Single(await SubscriptionsAsync(theirs));

        var foreign = await PostAsync(me, "Remove", ("subscriptionId", their.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Single(await SubscriptionsAsync(theirs));

        var own = Assert.Single(await SubscriptionsAsync(mine));
        var removed = await PostAsync(me, "Remove", ("subscriptionId", own.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Empty(await SubscriptionsAsync(mine));
        Assert.Contains("statement_subscription.removed",
            await portal.WithDbAsync(db => db.IntegrationEvents.Where(e => e.AccountId == mine.Id).Select(e => e.Type).ToListAsync(Ct)));
    }

    [Fact]
    public async Task Without_see_money_the_page_is_refused_and_nothing_can_be_subscribed()
    {
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View);
        var client = await portal.LoginAsync(account.Email);

        var page = await client.GetAsync(Url, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, "/settings");
        var post = await client.PostAsync(Url + "?handler=Save", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Frequency"] = "monthly",
            ["DayOfMonth"] = "3",
            ["__RequestVerificationToken"] = token,
        }), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Empty(await SubscriptionsAsync(account));
    }
}

/// <summary>The worker that e-mails scheduled statements: once per date across instances, with its PDF, and never after the membership ends.</summary>
public sealed class StatementMailWorkerTests : IDisposable
{
    private readonly string _pickup = Path.Combine(Path.GetTempPath(), "portal-statements-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_pickup))
        {
            Directory.Delete(_pickup, recursive: true);
        }
    }

    /// <summary>An account with an invoice a few days ago, and its user subscribed weekly with the send date today.</summary>
    private static async Task<(ArrangedAccount Account, long Subscription, DateOnly Today)> ArrangeAsync(WorkerPortal portal, Permissions permissions = Permissions.View | Permissions.SeeMoney)
    {
        var today = await portal.Get<OperatorClock>().TodayAsync(Ct);
        var account = await InvoiceTestData.NewAccountAsync(portal.Root, permissions);
        var id = await portal.WithDbAsync(async db =>
        {
            db.Invoices.Add(InvoiceTestData.NewInvoice(account, 1, today.AddDays(-3), 250m, 250m, due: today.AddDays(20)));
            var userId = await db.Users.Where(u => u.Email == account.Email).Select(u => u.Id).SingleAsync(Ct);
            var sub = new StatementSubscription
            {
                AccountId = account.Id,
                UserId = userId,
                // Weekly on today's weekday: today is a send date whatever the date.
                Frequency = StatementFrequency.Weekly,
                Day = (int)today.DayOfWeek,
                NextSendOn = today,
                CreatedAt = DateTime.UtcNow.AddMonths(-2),
            };
            db.StatementSubscriptions.Add(sub);
            await db.SaveChangesAsync(Ct);
            return sub.Id;
        });
        return (account, id, today);
    }

    private static Task<List<EmailMessage>> MailsAsync(WorkerPortal portal, ArrangedAccount account) =>
        portal.WithDbAsync(db => db.EmailMessages.AsNoTracking().Include(m => m.Attachments).Where(m => m.AccountId == account.Id && m.Kind == "statement").ToListAsync(Ct));

    [Fact]
    public async Task A_due_statement_is_mailed_once_with_its_pdf_and_the_next_date_moves_on()
    {
        await using var portal = WorkerPortal.Start();
        var (account, id, today) = await ArrangeAsync(portal);
        var worker = portal.Get<StatementMailWorker>();

        Assert.Equal(1, await worker.RunOnceAsync(Ct));
        Assert.Equal(0, await worker.RunOnceAsync(Ct));

        var mail = Assert.Single(await MailsAsync(portal, account));
        Assert.Equal(account.Email, mail.To);
        Assert.Contains(account.Number, mail.Subject, StringComparison.Ordinal);
        Assert.Contains("/settings/statements", mail.TextBody, StringComparison.Ordinal);
        var pdf = Assert.Single(mail.Attachments);
        Assert.Equal("application/pdf", pdf.ContentType);
        Assert.EndsWith(".pdf", pdf.FileName, StringComparison.Ordinal);
        var text = await InvoiceTestData.PdfTextAsync(pdf.Content);
        Assert.NotNull(text);
        Assert.Contains(account.Number, text, StringComparison.Ordinal);
        Assert.Contains(account.Prefix + "001", text, StringComparison.Ordinal);

        var sub = await portal.WithDbAsync(db => db.StatementSubscriptions.AsNoTracking().SingleAsync(s => s.Id == id, Ct));
        Assert.Equal(today.AddDays(7), sub.NextSendOn);
        var delivery = await portal.WithDbAsync(db => db.StatementDeliveries.AsNoTracking().SingleAsync(d => d.SubscriptionId == id, Ct));
        Assert.Equal(today, delivery.SendOn);
        Assert.Equal((today.AddDays(-7), today.AddDays(-1)), (delivery.From, delivery.To));
        Assert.Equal(mail.Id, delivery.EmailMessageId);
        Assert.Contains("statement.emailed", await portal.WithDbAsync(db => db.ActivityEntries.Where(e => e.AccountId == account.Id).Select(e => e.Action).ToListAsync(Ct)));
        Assert.Contains("statement.emailed", await portal.WithDbAsync(db => db.IntegrationEvents.Where(e => e.AccountId == account.Id).Select(e => e.Type).ToListAsync(Ct)));

        // Later the same day, and the next day: nothing new until the next date.
        // (The demo's own subscriptions may fall due on the next day: only this account's mail is counted.)
        portal.Clock.Advance(TimeSpan.FromDays(1));
        await worker.RunOnceAsync(Ct);
        Assert.Single(await MailsAsync(portal, account));
    }

    [Fact]
    public async Task Two_instances_running_at_once_send_each_statement_once()
    {
        await using var portal = WorkerPortal.Start();
        var second = portal.StartSecondInstance();
        var arranged = new List<ArrangedAccount>();
        for (var i = 0; i < 5; i++)
        {
            arranged.Add((await ArrangeAsync(portal)).Account);
        }

        var workers = new[] { portal.Get<StatementMailWorker>(), second.Services.GetRequiredService<StatementMailWorker>() };
        Assert.NotSame(workers[0], workers[1]);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(n => Task.Run(() => workers[n % 2].RunOnceAsync(Ct), Ct)));
        await Task.WhenAll(workers.Select(w => w.RunOnceAsync(Ct)));

        foreach (var account in arranged)
        {
            Assert.Single(await MailsAsync(portal, account));
            Assert.Equal(1, await portal.WithDbAsync(db => db.StatementDeliveries.CountAsync(d => d.AccountId == account.Id, Ct)));
        }
    }

    [Fact]
    public async Task When_the_membership_has_ended_nothing_is_sent_and_the_subscription_is_removed()
    {
        await using var portal = WorkerPortal.Start();
        var (account, id, _) = await ArrangeAsync(portal);
        await portal.WithDbAsync(db => db.Memberships.Where(m => m.AccountId == account.Id).ExecuteDeleteAsync(Ct));

        await portal.Get<StatementMailWorker>().RunOnceAsync(Ct);

        Assert.Empty(await MailsAsync(portal, account));
        Assert.False(await portal.WithDbAsync(db => db.StatementSubscriptions.AnyAsync(s => s.Id == id, Ct)));
        Assert.Contains("statement.subscription-ended", await portal.WithDbAsync(db => db.ActivityEntries.Where(e => e.AccountId == account.Id).Select(e => e.Action).ToListAsync(Ct)));
    }

    [Fact]
    public async Task A_member_who_lost_see_money_gets_no_statement()
    {
        await using var portal = WorkerPortal.Start();
        var (account, id, _) = await ArrangeAsync(portal);
        await portal.WithDbAsync(db => db.Memberships.Where(m => m.AccountId == account.Id).ExecuteUpdateAsync(u => u.SetProperty(m => m.Permissions, Permissions.View), Ct));

        await portal.Get<StatementMailWorker>().RunOnceAsync(Ct);

        Assert.Empty(await MailsAsync(portal, account));
        Assert.False(await portal.WithDbAsync(db => db.StatementSubscriptions.AnyAsync(s => s.Id == id, Ct)));
    }

    [Fact]
    public async Task With_statements_off_nothing_is_sent_and_the_subscription_waits()
    {
        await using var portal = WorkerPortal.Start();
        var (account, id, today) = await ArrangeAsync(portal);
        await portal.WithDbAsync(async db =>
        {
            var settings = await db.OperatorSettings.SingleAsync(Ct);
            settings.Set(PortalFeature.Statements, false);
            return await db.SaveChangesAsync(Ct);
        });
        portal.Get<OperatorSettingsCache>().Invalidate();

        Assert.Equal(0, await portal.Get<StatementMailWorker>().RunOnceAsync(Ct));

        Assert.Empty(await MailsAsync(portal, account));
        Assert.Equal(today, await portal.WithDbAsync(db => db.StatementSubscriptions.Where(s => s.Id == id).Select(s => s.NextSendOn).SingleAsync(Ct)));
    }

    [Fact]
    public async Task The_sender_attaches_the_pdf_and_then_drops_it_from_the_outbox()
    {
        await using var portal = WorkerPortal.Start(new Dictionary<string, string?> { ["Email:PickupDirectory"] = _pickup });
        var (account, _, _) = await ArrangeAsync(portal);
        await portal.Get<StatementMailWorker>().RunOnceAsync(Ct);

        // Other mail in the outbox (the demo's) goes too; this test reads only its own.
        while (await portal.Get<EmailSender>().RunOnceAsync(Ct) > 0)
        {
        }

        var sent = Directory.GetFiles(_pickup, "*.eml").Select(f => MimeKit.MimeMessage.Load(f)).Single(m => m.To.Mailboxes.Any(x => x.Address == account.Email));
        var attachment = Assert.Single(sent.Attachments.OfType<MimeKit.MimePart>());
        Assert.Equal("application/pdf", attachment.ContentType.MimeType);
        using var bytes = new MemoryStream();
        await attachment.Content!.DecodeToAsync(bytes, Ct);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(bytes.ToArray(), 0, 4), StringComparison.Ordinal);
        var mail = Assert.Single(await MailsAsync(portal, account));
        Assert.Equal(EmailStatus.Sent, mail.Status);
        Assert.Empty(mail.Attachments);
    }
}
