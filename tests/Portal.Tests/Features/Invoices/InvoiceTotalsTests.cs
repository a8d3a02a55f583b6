using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Invoices;

/// <summary>
/// The invoice totals the database keeps (InvoiceTotalsSql's triggers) always equal an aggregate over the
/// invoices, whatever writes them, and the list's totals line shows them.
/// </summary>
public sealed class InvoiceTotalsTests(PortalFactory portal)
{
    private static readonly DateOnly Base = new(2024, 3, 1);
    private static readonly string[] Currencies = ["USD", "EUR", "GBP"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Kept_totals_equal_the_aggregate_after_any_sequence_of_invoice_writes(int seed)
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var random = new Random(seed);
        await portal.WithDbAsync(async db =>
        {
            // Rolled back at the end: the random invoices break the ledger's invariants (no payments explain
            // their open amounts) that other tests check across every account.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var live = new List<Invoice>();
            var n = 0;
            for (var step = 0; step < 160; step++)
            {
                var choice = live.Count == 0 ? 0 : random.Next(8);
                var invoice = live.Count == 0 ? null : live[random.Next(live.Count)];
                switch (choice)
                {
                    case 0 or 1:
                        var total = random.Next(1, 100_000) / 100m;
                        var created = InvoiceTestData.NewInvoice(account, ++n, Base.AddDays(n), total,
                            random.Next(3) switch { 0 => 0m, 1 => total, _ => Math.Round(total / 3, 2) },
                            isVoid: random.Next(10) == 0);
                        created.Currency = Currencies[random.Next(Currencies.Length)];
                        db.Invoices.Add(created);
                        live.Add(created);
                        break;
                    case 2:
                        invoice!.OpenAmount = 0m;
                        break;
                    case 3:
                        invoice!.OpenAmount = Math.Round(invoice.Total / 2, 2);
                        break;
                    case 4:
                        invoice!.IsVoid = !invoice.IsVoid;
                        break;
                    case 5:
                        invoice!.Currency = Currencies[random.Next(Currencies.Length)];
                        break;
                    case 6:
                        db.Invoices.Remove(invoice!);
                        live.Remove(invoice!);
                        break;
                    default:
                        // A set-based write that bypasses EF's change tracking, as a billing import or an operator's
                        // script would: the triggers fire per row all the same.
                        await db.SaveChangesAsync(ct);
                        await db.Invoices.Where(i => i.AccountId == account.Id && i.OpenAmount > 0m && !i.IsVoid)
                            .ExecuteUpdateAsync(s => s.SetProperty(i => i.OpenAmount, i => i.Total), ct);
                        foreach (var entry in db.ChangeTracker.Entries<Invoice>().ToList())
                        {
                            await entry.ReloadAsync(ct);
                        }

                        break;
                }

                await db.SaveChangesAsync(ct);
                if (step % 10 == 9)
                {
                    await AssertKeptEqualsAggregateAsync(db, account.Id, ct);
                }
            }

            await AssertKeptEqualsAggregateAsync(db, account.Id, ct);
            await transaction.RollbackAsync(ct);
        });
    }

    [Fact]
    public async Task The_list_shows_the_kept_totals_per_currency_for_each_status_and_aggregates_a_date_range()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var invoices = new List<Invoice>
        {
            InvoiceTestData.NewInvoice(account, 1, Base, 100m, 100m),
            InvoiceTestData.NewInvoice(account, 2, Base.AddDays(1), 250m, 50m),
            InvoiceTestData.NewInvoice(account, 3, Base.AddDays(2), 40m, 0m),
            InvoiceTestData.NewInvoice(account, 4, Base.AddDays(3), 70m, 70m, isVoid: true),
            InvoiceTestData.NewInvoice(account, 5, today, 30m, 30m, due: today.AddDays(30)),
        };
        var euro = InvoiceTestData.NewInvoice(account, 6, Base.AddDays(4), 80m, 80m);
        euro.Currency = "EUR";
        invoices.Add(euro);
        await portal.WithDbAsync(async db =>
        {
            db.Invoices.AddRange(invoices);
            db.Payments.AddRange(InvoiceTestData.PaymentsFor(invoices));
            await db.SaveChangesAsync(ct);
        });
        var client = await portal.LoginAsync(account.Email);

        async Task<List<string>> TotalsAsync(string query)
        {
            var response = await client.GetAsync("/invoices" + query, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ct));
            var start = html.IndexOf("data-test=\"invoice-totals\"", StringComparison.Ordinal);
            if (start < 0)
            {
                return [];
            }

            var section = html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
            return [.. System.Text.RegularExpressions.Regex.Matches(section, "<p>([^<]*)</p>").Select(m => m.Groups[1].Value)];
        }

        static string Line(int count, string currency, string total, string open) =>
            $"{count} invoices in {currency}: total {total}, open {open}";

        Assert.Equal([Line(1, "EUR", "€80.00", "€80.00"), Line(5, "USD", "$490.00", "$250.00")], await TotalsAsync(""));
        Assert.Equal([Line(1, "EUR", "€80.00", "€80.00"), Line(3, "USD", "$380.00", "$180.00")], await TotalsAsync("?status=open"));
        Assert.Equal([Line(1, "USD", "$40.00", "$0.00")], await TotalsAsync("?status=paid"));
        Assert.Equal([Line(1, "USD", "$70.00", "$70.00")], await TotalsAsync("?status=void"));
        // Overdue depends on today: aggregated over the open invoices, not kept.
        Assert.Equal([Line(1, "EUR", "€80.00", "€80.00"), Line(2, "USD", "$350.00", "$150.00")], await TotalsAsync("?status=overdue"));
        // A date range aggregates what it matches.
        var from = Base.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = Base.AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal([Line(3, "USD", "$360.00", "$120.00")], await TotalsAsync($"?from={from}&to={to}"));
    }

    private static async Task AssertKeptEqualsAggregateAsync(PortalDb db, long accountId, CancellationToken ct)
    {
        var invoices = await db.Invoices.AsNoTracking().Where(i => i.AccountId == accountId)
            .Select(i => new { i.Currency, i.Total, i.OpenAmount, i.IsVoid }).ToListAsync(ct);
        var expected = invoices.GroupBy(i => i.Currency).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var open = g.Where(i => !i.IsVoid && i.OpenAmount > 0m).ToList();
            var isVoid = g.Where(i => i.IsVoid).ToList();
            return (g.Key, g.LongCount(), g.Sum(i => i.Total), g.Sum(i => i.OpenAmount),
                open.LongCount(), open.Sum(i => i.Total), open.Sum(i => i.OpenAmount),
                isVoid.LongCount(), isVoid.Sum(i => i.Total), isVoid.Sum(i => i.OpenAmount));
        }).ToList();
        var kept = (await db.InvoiceTotals.AsNoTracking().Where(t => t.AccountId == accountId).ToListAsync(ct))
            .Where(t => t.AllCount != 0 || t.AllTotal != 0m || t.AllOpen != 0m)
            .OrderBy(t => t.Currency, StringComparer.Ordinal)
            .Select(t => (t.Currency, t.AllCount, t.AllTotal, t.AllOpen, t.OpenCount, t.OpenTotal, t.OpenOpen, t.VoidCount, t.VoidTotal, t.VoidOpen))
            .ToList();
        Assert.Equal(expected, kept);
    }
}
