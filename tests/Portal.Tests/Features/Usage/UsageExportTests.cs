using System.Globalization;
using System.Net;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Identity;
using Portal.Features.Usage;
using Portal.Features.Usage.Exports;
using Portal.Infrastructure;
using Portal.Infrastructure.Cli;
using Portal.Infrastructure.Email;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Usage;

public sealed class UsageExportTests(PortalFactory portal) : IDisposable
{
    private const int BillDay = 15;

    private readonly string _pickup = Path.Combine(Path.GetTempPath(), "portal-usage-mail-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_pickup))
        {
            Directory.Delete(_pickup, recursive: true);
        }
    }

    private static async Task<List<UsageRecord>> ArrangeRecordsAsync(IServiceProvider services, long accountId, int count)
    {
        var period = UsageTestData.CurrentPeriod(BillDay);
        var records = Enumerable.Range(0, count).Select(i => new UsageRecord
        {
            AccountId = accountId,
            ExternalId = "X-" + Guid.NewGuid().ToString("N"),
            ProductCode = i % 4 == 0 ? "CALL" : "DATA",
            Identifier = "LINE-" + (i % 3),
            Description = i % 5 == 0 ? "Roaming, \"EU\"; zone 1" : "Mobile data",
            // Ties on the time: every two records share an instant.
            OccurredAt = period.StartUtc.AddMinutes(37 * (i / 2)).AddMilliseconds(123),
            Quantity = 0.25m + (i % 7),
            Unit = i % 4 == 0 ? "min" : "GB",
            CreatedAt = DateTime.UtcNow,
        }).ToList();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        db.UsageRecords.AddRange(records);
        await db.SaveChangesAsync();
        return records.OrderByDescending(r => r.OccurredAt).ThenByDescending(r => r.Id).ToList();
    }

    /// <summary>An account (bill day 15) with one user holding the given permissions; returns ids and e-mail.</summary>
    private static async Task<(long AccountId, string Email, string UserId)> NewAccountAsync(IServiceProvider services, Permissions permissions)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var tag = Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var now = DateTime.UtcNow;
        var account = new Account
        {
            ExternalId = "UX-" + tag,
            Number = "UX" + tag,
            Name = "Usage Export Co " + tag,
            Currency = "USD",
            BillDay = BillDay,
            AddressLine1 = "1 Test Street",
            City = "Boston",
            Region = "MA",
            PostalCode = "02110",
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        var user = await AddUserAsync(users, $"ux-{tag.ToLowerInvariant()}@example.com");
        db.Memberships.Add(new Membership { UserId = user.Id, AccountId = account.Id, Permissions = permissions, CreatedAt = now });
        await db.SaveChangesAsync();
        return (account.Id, user.Email!, user.Id);
    }

    private static async Task<PortalUser> AddUserAsync(UserManager<PortalUser> users, string email)
    {
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = email, CreatedAt = DateTime.UtcNow };
        var created = await users.CreateAsync(user, DemoData.Password);
        Assert.True(created.Succeeded);
        return user;
    }

    private static async Task<HttpClient> LoginAsync(WebApplicationFactory<Program> host, string email)
    {
        var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await PortalFactory.PostFormAsync(client, "/login", new Dictionary<string, string> { ["Input.Login"] = email, ["Input.Password"] = DemoData.Password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    private static Task<HttpResponseMessage> ExportAsync(HttpClient client, string query, string format, string? rows = null)
    {
        var fields = new Dictionary<string, string> { ["format"] = format };
        if (rows is not null)
        {
            fields["rows"] = rows;
        }

        return PortalFactory.PostFormAsync(client, "/usage?handler=export&" + query, fields, "/usage?" + query);
    }

    /// <summary>The rows of the first sheet, as text (numbers in invariant form, dates as OADate).</summary>
    private static List<string[]> ReadXlsx(byte[] file)
    {
        using var stream = new MemoryStream(file);
        using var document = SpreadsheetDocument.Open(stream, false);
        var sheet = document.WorkbookPart!.WorksheetParts.Single().Worksheet;
        return sheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(c => c.DataType?.Value == CellValues.InlineString ? c.InnerText : c.CellValue?.Text ?? "").ToArray()).ToList();
    }

    private static async Task<List<string[]>> ReadCsvAsync(byte[] file)
    {
        using var reader = new StreamReader(new MemoryStream(file));
        var csv = new CsvFile(reader);
        var rows = new List<string[]>();
        await foreach (var record in csv.ReadAsync())
        {
            rows.Add(csv.Header.Select(h => record.Fields.GetValueOrDefault(h) ?? "").ToArray());
        }

        rows.Insert(0, [.. csv.Header]);
        return rows;
    }

    private static string Local(DateTime utc) =>
        OperatorClock.ToLocal(utc, UsageTestData.Zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_small_export_downloads_at_once_and_reads_back_equal_to_the_page_in_xlsx_and_csv()
    {
        var (accountId, email, _) = await NewAccountAsync(portal.Services, Permissions.View);
        var records = await ArrangeRecordsAsync(portal.Services, accountId, 40);
        var client = await portal.LoginAsync(email);
        var period = UsageTestData.CurrentPeriod(BillDay);
        var query = $"period={period.Start:yyyy-MM-dd}&product=DATA";
        var expected = records.Where(r => r.ProductCode == "DATA").ToList();
        var pageIds = UsageTestData.RowIds(await client.GetStringAsync("/usage?" + query, Ct));
        Assert.Equal(expected.Select(r => r.Id), pageIds);
        var exportsBefore = await portal.WithDbAsync(db => db.UsageExports.CountAsync(Ct));

        var xlsx = await ExportAsync(client, query, "xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal(UsageExportFile.XlsxContentType, xlsx.Content.Headers.ContentType?.MediaType);
        var sheet = ReadXlsx(await xlsx.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(["Date and time", "Product", "Identifier", "Description", "Quantity", "Unit", "Invoice"], sheet[0]);
        Assert.Equal(expected.Count, sheet.Count - 1);
        for (var i = 0; i < expected.Count; i++)
        {
            var r = expected[i];
            var row = sheet[i + 1];
            var at = DateTime.FromOADate(double.Parse(row[0], CultureInfo.InvariantCulture));
            Assert.Equal(Local(r.OccurredAt), at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            Assert.Equal([r.ProductCode, r.Identifier!, r.Description!], row[1..4]);
            Assert.Equal(r.Quantity, decimal.Parse(row[4], CultureInfo.InvariantCulture));
            Assert.Equal(r.Unit, row[5]);
        }

        var csv = await ExportAsync(client, query, "csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var lines = await ReadCsvAsync(await csv.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(expected.Count, lines.Count - 1);
        Assert.Equal(
            expected.Select(r => new[] { Local(r.OccurredAt), r.ProductCode, r.Identifier!, r.Description!, r.Quantity.ToString(CultureInfo.InvariantCulture), r.Unit, "" }),
            lines.Skip(1));

        // Answered at once: nothing queued.
        Assert.Equal(exportsBefore, await portal.WithDbAsync(db => db.UsageExports.CountAsync(Ct)));
    }

    [Theory]
    [InlineData("xlsx", "100001", "rows", "An export holds at most 100,000 records")]
    [InlineData("xlsx", "0", "rows", "Enter a number of records from 1 to 100,000")]
    [InlineData("xlsx", "lots", "rows", "Enter a number of records from 1 to 100,000")]
    [InlineData("pdf", null, "format", "Choose Excel (.xlsx) or CSV.")]
    public async Task A_bad_export_request_says_why_and_writes_nothing(string format, string? rows, string field, string message)
    {
        _ = field;
        var (accountId, email, _) = await NewAccountAsync(portal.Services, Permissions.View);
        await ArrangeRecordsAsync(portal.Services, accountId, 3);
        var client = await portal.LoginAsync(email);
        var before = await portal.WithDbAsync(db => db.UsageExports.CountAsync(Ct));

        var response = await ExportAsync(client, "invoiced=no", format, rows);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(before, await portal.WithDbAsync(db => db.UsageExports.CountAsync(Ct)));
    }

    [Fact]
    public async Task A_forged_or_unknown_export_id_is_not_found()
    {
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/usage/exports/AAAAAAAAAAAAAAAAAAAAAA", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/usage/exports/" + new string('x', 300), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/usage/exports/%27%20OR%201=1", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_large_export_is_built_once_in_the_background_mailed_and_served_only_to_its_user_while_member_until_it_expires()
    {
        await using var worker = WorkerPortal.Start(new Dictionary<string, string?>
        {
            ["Email:PickupDirectory"] = _pickup,
            ["UsageExports:ImmediateRows"] = "10",
            ["UsageExports:ChunkBytes"] = "4096",
        });
        var (accountId, email, userId) = await NewAccountAsync(worker.Services, Permissions.View);
        var records = await ArrangeRecordsAsync(worker.Services, accountId, 300);
        // A second member of the same account, and the demo customer on another account.
        string colleague;
        await using (var scope = worker.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
            var user = await AddUserAsync(scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>(), $"colleague-{Guid.NewGuid():N}@example.com");
            db.Memberships.Add(new Membership { UserId = user.Id, AccountId = accountId, Permissions = Permissions.All, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
            colleague = user.Email!;
        }

        var client = await LoginAsync(worker.Host, email);
        var response = await ExportAsync(client, "invoiced=no", "xlsx", "250");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/usage/exports?queued=1", response.Headers.Location?.OriginalString);
        var list = await client.GetStringAsync("/usage/exports", Ct);
        Assert.Contains("Being prepared", list, StringComparison.Ordinal);

        // Two instances run the job at once: one builds it.
        var second = worker.StartSecondInstance();
        var built = await Task.WhenAll(
            worker.Get<UsageExportWorker>().RunOnceAsync(Ct),
            second.Services.GetRequiredService<UsageExportWorker>().RunOnceAsync(Ct));
        Assert.Equal(1, built.Sum());
        var export = await worker.WithDbAsync(db => db.UsageExports.AsNoTracking().SingleAsync(e => e.AccountId == accountId, Ct));
        Assert.Equal(UsageExportStatus.Ready, export.Status);
        Assert.Equal(250, export.RowCount);
        Assert.True(await worker.WithDbAsync(db => db.UsageExportChunks.CountAsync(c => c.ExportId == export.Id, Ct)) > 1);

        // The e-mail, through the outbox to the pickup folder, carries the link.
        await worker.Get<EmailSender>().RunOnceAsync(Ct);
        // Read as a mail client would: MimeKit may have encoded the body (quoted-printable, base64).
        var mail = Assert.Single(Directory.GetFiles(_pickup, "*.eml").Select(f => MimeKit.MimeMessage.Load(f)), m => m.To.Mailboxes.Any(b => b.Address == email));
        Assert.Contains("usage export", mail.Subject + mail.TextBody, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("/usage/exports/" + export.PublicId, mail.TextBody, StringComparison.Ordinal);

        list = await client.GetStringAsync("/usage/exports", Ct);
        Assert.Contains($"href=\"/usage/exports/{export.PublicId}\"", list, StringComparison.Ordinal);

        var file = await client.GetAsync("/usage/exports/" + export.PublicId, Ct);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        var bytes = await file.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal(export.SizeBytes, bytes.Length);
        var sheet = ReadXlsx(bytes);
        Assert.Equal(251, sheet.Count);
        Assert.Equal(records.Take(250).Select(r => r.Quantity), sheet.Skip(1).Select(r => decimal.Parse(r[4], CultureInfo.InvariantCulture)));

        // Another member of the same account, and a user of another account: not found.
        var other = await LoginAsync(worker.Host, colleague);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/usage/exports/" + export.PublicId, Ct)).StatusCode);
        var demo = await LoginAsync(worker.Host, DemoData.OtherCustomerEmail);
        Assert.Equal(HttpStatusCode.NotFound, (await demo.GetAsync("/usage/exports/" + export.PublicId, Ct)).StatusCode);

        // Expired: refused with a message saying so, and the file is deleted by the next pass.
        worker.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        client = await LoginAsync(worker.Host, email); // a week on, the sign-in has expired too
        var expired = await client.GetAsync("/usage/exports/" + export.PublicId, Ct);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("This export has expired", await expired.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await worker.Get<UsageExportWorker>().RunOnceAsync(Ct);
        Assert.Equal(0, await worker.WithDbAsync(db => db.UsageExportChunks.CountAsync(c => c.ExportId == export.Id, Ct)));
        Assert.Contains("Expired", await client.GetStringAsync("/usage/exports", Ct), StringComparison.Ordinal);
        _ = userId;
    }

    [Fact]
    public async Task The_link_is_refused_once_the_membership_is_removed()
    {
        await using var worker = WorkerPortal.Start(new Dictionary<string, string?> { ["UsageExports:ImmediateRows"] = "1" });
        var (accountId, email, userId) = await NewAccountAsync(worker.Services, Permissions.View);
        await ArrangeRecordsAsync(worker.Services, accountId, 5);
        // Also a member elsewhere, so that the user still has an account once this membership is gone.
        await worker.WithDbAsync(async db =>
        {
            var northwind = await db.Accounts.Where(a => a.Number == "30001").Select(a => a.Id).SingleAsync(Ct);
            db.Memberships.Add(new Membership { UserId = userId, AccountId = northwind, Permissions = Permissions.View, CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
            return true;
        });
        var client = await LoginAsync(worker.Host, email);
        Assert.Equal(HttpStatusCode.Redirect, (await PortalFactory.PostFormAsync(client, "/accounts", new Dictionary<string, string> { ["accountId"] = accountId.ToString(CultureInfo.InvariantCulture) })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ExportAsync(client, "invoiced=no", "csv")).StatusCode);
        await worker.Get<UsageExportWorker>().RunOnceAsync(Ct);
        var export = await worker.WithDbAsync(db => db.UsageExports.AsNoTracking().SingleAsync(e => e.AccountId == accountId, Ct));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/usage/exports/" + export.PublicId, Ct)).StatusCode);

        await worker.WithDbAsync(db => db.Memberships.Where(m => m.UserId == userId && m.AccountId == accountId).ExecuteDeleteAsync(Ct));

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/usage/exports/" + export.PublicId, Ct)).StatusCode);
    }

    [Fact]
    public async Task Two_instances_racing_on_the_queue_build_each_export_exactly_once()
    {
        await using var worker = WorkerPortal.Start(new Dictionary<string, string?> { ["UsageExports:ChunkBytes"] = "4096" });
        var (accountId, email, userId) = await NewAccountAsync(worker.Services, Permissions.View);
        await ArrangeRecordsAsync(worker.Services, accountId, 40);
        var period = UsageTestData.CurrentPeriod(BillDay);
        var ids = await worker.WithDbAsync(async db =>
        {
            var now = WorkerTime.Floor(worker.Clock.GetUtcNow().UtcDateTime);
            var exports = Enumerable.Range(0, 8).Select(i => new UsageExport
            {
                PublicId = "race-" + Guid.NewGuid().ToString("N")[..20],
                UserId = userId,
                AccountId = accountId,
                Format = i % 2 == 0 ? UsageExportFormat.Xlsx : UsageExportFormat.Csv,
                Filter = "?period=" + period.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                MaxRows = 100,
                LinkBase = "http://localhost/usage/exports/",
                Culture = "en",
                NextAttemptAt = now,
                CreatedAt = now,
                ExpiresAt = now.AddDays(7),
            }).ToList();
            db.UsageExports.AddRange(exports);
            await db.SaveChangesAsync(Ct);
            return exports.Select(e => e.Id).ToList();
        });

        // Both instances pass over the queue at the same moment, again and again, until it is empty.
        var second = worker.StartSecondInstance();
        var workers = new[] { worker.Get<UsageExportWorker>(), second.Services.GetRequiredService<UsageExportWorker>() };
        var built = 0;
        for (var pass = 0; pass < 10; pass++)
        {
            var counts = await Task.WhenAll(workers.Select(w => Task.Run(() => w.RunOnceAsync(Ct), Ct)));
            built += counts.Sum();
            if (counts.Sum() == 0)
            {
                break;
            }
        }

        Assert.Equal(ids.Count, built);
        var exports = await worker.WithDbAsync(db => db.UsageExports.AsNoTracking().Where(e => ids.Contains(e.Id)).ToListAsync(Ct));
        Assert.All(exports, e =>
        {
            Assert.Equal(UsageExportStatus.Ready, e.Status);
            Assert.Equal(1, e.Attempts);
            Assert.Equal(40, e.RowCount);
        });
        // One e-mail per export: none was built (and mailed) twice.
        var mails = await worker.WithDbAsync(db => db.EmailMessages.AsNoTracking().Where(m => m.To == email && m.Kind == "usage-export").Select(m => m.TextBody).ToListAsync(Ct));
        Assert.Equal(ids.Count, mails.Count);
        Assert.All(exports, e => Assert.Single(mails, m => m.Contains(e.PublicId, StringComparison.Ordinal)));
    }
}
