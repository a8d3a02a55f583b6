using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Features.Accounts;
using Portal.Features.Usage;
using Portal.Infrastructure;
using Portal.Infrastructure.Workers;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Usage;

/// <summary>
/// The daily rollup is what the usage page's totals and chart read, so it must equal grouping the records
/// themselves: after ingest (new, repeated and overlapping batches), after a recut in another zone, and
/// with batches ingested while the account is being rebuilt.
/// </summary>
public sealed class UsageRollupTests(PortalFactory portal)
{
    private const int BillDay = 15;

    [Fact]
    public async Task Ingest_keeps_the_rollup_equal_to_grouping_the_records_and_a_repeated_batch_adds_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, externalId, invoiceExternalId) = await ArrangeAsync();
        var zone = UsageTestData.Zone;
        Assert.True(await portal.WithDbAsync(db => UsageRollup.RebuildAsync(db, account.Id, zone, DateTime.UtcNow, ct)));

        var period = UsageTestData.CurrentPeriod(BillDay);
        var batch = Batch(externalId, invoiceExternalId, period, "A", 0);
        Assert.Equal(new UsageIngestResult.Ingested(batch.Count, 0), await IngestAsync(batch));
        Assert.Equal(new UsageIngestResult.Ingested(0, batch.Count), await IngestAsync(batch));
        // Half new records, half known ones, on the same days, products and identifiers.
        var overlapping = batch.Take(batch.Count / 2).Concat(Batch(externalId, invoiceExternalId, period, "B", 1).Take(batch.Count / 2)).ToList();
        Assert.Equal(new UsageIngestResult.Ingested(batch.Count / 2, batch.Count / 2), await IngestAsync(overlapping));

        await AssertRollupEqualsRecordsAsync(account.Id, period, zone, expectedRecords: null);
    }

    [Fact]
    public async Task The_identifier_choices_are_the_periods_own_where_its_months_hold_others_before_and_after_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, externalId, _) = await ArrangeAsync();
        var zone = UsageTestData.Zone;
        Assert.True(await portal.WithDbAsync(db => UsageRollup.RebuildAsync(db, account.Id, zone, DateTime.UtcNow, ct)));

        // A period wholly in the past, in two months: one identifier inside it, one only in its first month
        // before it starts, one only in its last month after it ends, one in both of those but never inside.
        var period = BillingPeriods.Previous(BillingPeriods.Previous(UsageTestData.CurrentPeriod(BillDay), BillDay, zone), BillDay, zone);
        Assert.NotEqual(UsageRollup.MonthKey(period.Start), UsageRollup.MonthKey(period.LastDay));
        UsageRecordInput Record(string identifier, DateTime at) =>
            new($"R-{identifier}-{Guid.NewGuid():N}", externalId, "DATA", identifier, "usage", at, 1m, "GB", null);
        var batch = new List<UsageRecordInput>
        {
            Record("INSIDE", period.StartUtc.AddHours(30)),
            Record("BEFORE", period.StartUtc.AddDays(-3)),
            Record("AFTER", period.EndUtc.AddDays(3)),
            Record("AROUND", period.StartUtc.AddDays(-2)),
            Record("AROUND", period.EndUtc.AddDays(2)),
        };
        Assert.Equal(new UsageIngestResult.Ingested(batch.Count, 0), await IngestAsync(batch));

        var identifiers = await portal.WithDbAsync(db => UsageRollup.IdentifiersAsync(db, account.Id, period, ct));
        Assert.Equal(["DATA INSIDE"], identifiers.Select(p => p.Product + " " + p.Identifier));
        await AssertRollupEqualsRecordsAsync(account.Id, period, zone, expectedRecords: 1);

        // Recut from the records, the months say the same.
        await portal.WithDbAsync(db => db.UsageRollupAccounts.Where(s => s.AccountId == account.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.ZoneId, (string?)null), ct));
        Assert.True(await portal.WithDbAsync(db => UsageRollup.RebuildAsync(db, account.Id, zone, DateTime.UtcNow, ct)));
        Assert.Equal(["DATA INSIDE"], (await portal.WithDbAsync(db => UsageRollup.IdentifiersAsync(db, account.Id, period, ct))).Select(p => p.Product + " " + p.Identifier));
        var before = BillingPeriods.Previous(period, BillDay, zone);
        Assert.Equal(
            ["DATA AROUND", "DATA BEFORE"],
            (await portal.WithDbAsync(db => UsageRollup.IdentifiersAsync(db, account.Id, before, ct))).Select(p => p.Product + " " + p.Identifier).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_change_of_zone_leaves_the_page_on_the_records_until_the_account_is_recut_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, externalId, invoiceExternalId) = await ArrangeAsync();
        var newYork = UsageTestData.Zone;
        var kolkata = OperatorClock.FindZone("Asia/Kolkata");
        var period = UsageTestData.CurrentPeriod(BillDay);
        await portal.WithDbAsync(db => UsageRollup.RebuildAsync(db, account.Id, newYork, DateTime.UtcNow, ct));
        await IngestAsync(Batch(externalId, invoiceExternalId, period, "A", 0));

        // Stamped in New York's days: asked in Kolkata's, the rollup answers nothing and the page groups records.
        Assert.Null(await portal.WithDbAsync(db => UsageRollup.SlicesAsync(db, account.Id, period, kolkata, byIdentifier: true, ct)));

        Assert.True(await portal.WithDbAsync(db => UsageRollup.RebuildAsync(db, account.Id, kolkata, DateTime.UtcNow, ct)));
        Assert.False(await portal.WithDbAsync(db => UsageRollup.RebuildAsync(db, account.Id, kolkata, DateTime.UtcNow, ct)));
        Assert.Null(await portal.WithDbAsync(db => UsageRollup.SlicesAsync(db, account.Id, period, newYork, byIdentifier: true, ct)));
        var kolkataPeriod = BillingPeriods.Containing(DateOnly.FromDateTime(OperatorClock.ToLocal(DateTime.UtcNow, kolkata)), BillDay, kolkata);
        await AssertRollupEqualsRecordsAsync(account.Id, kolkataPeriod, kolkata, expectedRecords: null);
    }

    [Fact]
    public async Task Batches_ingested_while_the_account_is_rebuilt_are_counted_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var (account, externalId, invoiceExternalId) = await ArrangeAsync();
        var zones = new[] { UsageTestData.Zone, OperatorClock.FindZone("Europe/Berlin") };
        var period = UsageTestData.CurrentPeriod(BillDay);
        await portal.WithDbAsync(db => UsageRollup.RebuildAsync(db, account.Id, zones[0], DateTime.UtcNow, ct));

        const int Batches = 6;
        var ingests = Enumerable.Range(0, Batches).Select(n => Task.Run(() => IngestAsync(Batch(externalId, invoiceExternalId, period, "C" + n, n)), ct)).ToList();
        var rebuilds = Task.Run(
            async () =>
            {
                for (var i = 1; i <= 6; i++)
                {
                    await portal.WithDbAsync(db => UsageRollup.RebuildAsync(db, account.Id, zones[i % 2], DateTime.UtcNow, ct));
                }
            },
            ct);
        var results = await Task.WhenAll(ingests);
        await rebuilds;

        Assert.All(results, r => Assert.IsType<UsageIngestResult.Ingested>(r));
        // The last rebuild left the account in New York's days (i = 6).
        await AssertRollupEqualsRecordsAsync(account.Id, period, zones[0], expectedRecords: null);
    }

    [Fact]
    public async Task The_worker_builds_the_rollup_of_an_account_that_has_records_but_none_yet()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await UsageTestData.NewAccountAsync(portal, Permissions.All, BillDay);
        var period = UsageTestData.CurrentPeriod(BillDay);
        // Records written directly, as the demo data and older databases have them: no rollup row at all.
        await portal.WithDbAsync(async db =>
        {
            db.UsageRecords.AddRange(Enumerable.Range(0, 40).Select(i =>
                UsageTestData.Record(account, i % 2 == 0 ? "DATA" : "CALL", i % 3 == 0 ? null : "LINE-" + (i % 4), period.StartUtc.AddHours(i * 13), 1.25m * i, i % 2 == 0 ? "GB" : "min")));
            await db.SaveChangesAsync(ct);
        });
        Assert.Null(await portal.WithDbAsync(db => UsageRollup.SlicesAsync(db, account.Id, period, UsageTestData.Zone, byIdentifier: true, ct)));

        var worker = new UsageRollupWorker(
            portal.Services.GetRequiredService<IServiceScopeFactory>(),
            TimeProvider.System,
            Options.Create(new WorkerOptions()),
            portal.Services.GetRequiredService<ILogger<UsageRollupWorker>>());
        // Other tests' accounts are in the same database: pass until this one is stamped (50 accounts a pass).
        for (var pass = 0; pass < 400; pass++)
        {
            await worker.RunOnceAsync(ct);
            if (await portal.WithDbAsync(db => db.UsageRollupAccounts.AnyAsync(s => s.AccountId == account.Id && s.ZoneId != null, ct)))
            {
                break;
            }
        }

        await AssertRollupEqualsRecordsAsync(account.Id, period, UsageTestData.Zone, expectedRecords: 40);
    }

    [Fact]
    public async Task After_a_pass_with_nothing_to_do_the_worker_looks_again_only_after_its_back_off()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var worker = new UsageRollupWorker(
            portal.Services.GetRequiredService<IServiceScopeFactory>(),
            clock,
            Options.Create(new WorkerOptions()),
            portal.Services.GetRequiredService<ILogger<UsageRollupWorker>>());
        // Until every account in the shared database is current (other tests add accounts meanwhile).
        var idle = false;
        for (var pass = 0; pass < 400 && !idle; pass++)
        {
            idle = await worker.RunOnceAsync(ct) == 0;
        }

        Assert.True(idle);
        var account = await UsageTestData.NewAccountAsync(portal, Permissions.All, BillDay);

        // Within the back-off the pass reads nothing, so the new account has no stamp yet.
        clock.Advance(UsageRollupWorker.IdleBackOff - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await worker.RunOnceAsync(ct));
        Assert.False(await portal.WithDbAsync(db => db.UsageRollupAccounts.AnyAsync(s => s.AccountId == account.Id, ct)));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await worker.RunOnceAsync(ct) > 0);
        Assert.True(await portal.WithDbAsync(db => db.UsageRollupAccounts.AnyAsync(s => s.AccountId == account.Id, ct)));
    }

    private async Task<(ArrangedAccount Account, string ExternalId, string InvoiceExternalId)> ArrangeAsync()
    {
        var account = await UsageTestData.NewAccountAsync(portal, Permissions.All, BillDay);
        var period = UsageTestData.CurrentPeriod(BillDay);
        var invoice = InvoiceTestData.NewInvoice(account, 1, period.Start, 10m, 0m);
        var externalId = await portal.WithDbAsync(async db =>
        {
            db.Invoices.Add(invoice);
            db.Payments.AddRange(InvoiceTestData.PaymentsFor([invoice]));
            await db.SaveChangesAsync();
            return await db.Accounts.Where(a => a.Id == account.Id).Select(a => a.ExternalId).SingleAsync();
        });
        return (account, externalId, invoice.ExternalId);
    }

    /// <summary>
    /// Records on every day of the period at hours that cross local midnight in most zones, in two products
    /// and two units, with and without an identifier, some of them invoiced.
    /// </summary>
    private static List<UsageRecordInput> Batch(string account, string invoice, BillingPeriod period, string tag, int seed)
    {
        var records = new List<UsageRecordInput>();
        var last = DateTime.UtcNow.AddMinutes(-1);
        for (var day = 0; day < period.Days; day++)
        {
            foreach (var hour in new[] { 0.5, 4.75, 11, 23.5 })
            {
                var at = period.StartUtc.AddDays(day).AddHours(hour + (seed * 0.1));
                if (at > last)
                {
                    continue;
                }

                var n = records.Count;
                records.Add(new UsageRecordInput(
                    $"R-{tag}-{Guid.NewGuid():N}", account, n % 3 == 0 ? "CALL" : "DATA", n % 5 == 0 ? null : "LINE-" + (n % 3),
                    "usage", at, 0.0125m * (n + 1), n % 3 == 0 ? "min" : "GB", n % 7 == 0 ? invoice : null));
            }
        }

        return records;
    }

    private async Task<UsageIngestResult> IngestAsync(List<UsageRecordInput> batch)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UsageIngest>().IngestAsync(batch, ct: TestContext.Current.CancellationToken);
    }

    private async Task AssertRollupEqualsRecordsAsync(long accountId, BillingPeriod period, TimeZoneInfo zone, long? expectedRecords)
    {
        var ct = TestContext.Current.CancellationToken;
        var (rollup, totals, identifiers, records) = await portal.WithDbAsync(async db =>
        {
            var filter = new UsageFilter(period, null, null, null, null, null, null);
            return (
                await UsageRollup.SlicesAsync(db, accountId, period, zone, byIdentifier: true, ct),
                await UsageRollup.SlicesAsync(db, accountId, period, zone, byIdentifier: false, ct),
                await UsageRollup.IdentifiersAsync(db, accountId, period, ct),
                await UsageSummary.RecordSlicesAsync(db, accountId, filter, zone, ct));
        });

        Assert.NotNull(rollup);
        static string Line(UsageSummary.Slice s) => FormattableString.Invariant($"{s.Day:yyyy-MM-dd} {s.Product} {s.Identifier} {s.Unit} {s.Invoiced} {s.Quantity:0.0000} {s.Count}");
        Assert.Equal(records.Select(Line).Order(StringComparer.Ordinal), rollup.Select(Line).Order(StringComparer.Ordinal));
        Assert.NotEmpty(records);

        // The level without the identifier equals the records summed over their identifiers, and the
        // identifier choices read apart are the records' own.
        Assert.NotNull(totals);
        Assert.All(totals, t => Assert.Null(t.Identifier));
        var expectedTotals = records.GroupBy(s => (s.Day, s.Product, s.Unit, s.Invoiced))
            .Select(g => new UsageSummary.Slice(g.Key.Product, null, g.Key.Unit, g.Key.Day, g.Key.Invoiced, g.Sum(s => s.Quantity), g.Sum(s => s.Count)));
        Assert.Equal(expectedTotals.Select(Line).Order(StringComparer.Ordinal), totals.Select(Line).Order(StringComparer.Ordinal));
        Assert.Equal(
            records.Where(s => s.Identifier is not null).Select(s => s.Product + " " + s.Identifier).Distinct().Order(StringComparer.Ordinal),
            identifiers.Select(p => p.Product + " " + p.Identifier).Order(StringComparer.Ordinal));
        if (expectedRecords is not null)
        {
            Assert.Equal(expectedRecords, rollup.Sum(s => (long)s.Count));
        }
    }
}
