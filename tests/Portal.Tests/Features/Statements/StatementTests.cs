using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Credits;
using Portal.Features.Invoices;
using Portal.Features.Payments;
using Portal.Features.Statements;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Statements;

public sealed class StatementTests(PortalFactory portal)
{
    private static readonly TimeZoneInfo Zone = StatementLedger.Zone;

    [Fact]
    public async Task Aging_puts_due_today_in_current_and_1_30_31_60_61_90_91_days_late_in_their_buckets()
    {
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var closing = new DateOnly(2026, 6, 30);
        int[] late = [0, 1, 30, 31, 60, 61, 90, 91];
        await portal.WithDbAsync(db =>
        {
            for (var n = 0; n < late.Length; n++)
            {
                var due = closing.AddDays(-late[n]);
                db.Invoices.Add(InvoiceTestData.NewInvoice(account, n, due.AddDays(-30), 100m * (n + 1), 100m * (n + 1), due: due));
            }

            return db.SaveChangesAsync();
        });

        var aging = (await BuildAsync(account.Id, closing, closing, asOf: true)).Aging;

        Assert.Equal(100m, aging.Current);
        Assert.Equal(200m + 300m, aging.Days1To30);
        Assert.Equal(400m + 500m, aging.Days31To60);
        Assert.Equal(600m + 700m, aging.Days61To90);
        Assert.Equal(800m, aging.Over90);
    }

    [Fact]
    public async Task A_payment_received_a_second_before_local_midnight_counts_on_the_closing_date_and_one_at_midnight_the_next_day()
    {
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var closing = new DateOnly(2026, 3, 10);
        await portal.WithDbAsync(db =>
        {
            var invoice = InvoiceTestData.NewInvoice(account, 1, closing.AddDays(-20), 1000m, 1000m);
            db.Invoices.Add(invoice);
            db.Payments.Add(Paid(account, "A", At(closing, new TimeOnly(23, 59, 59)), 300m, invoice));
            db.Payments.Add(Paid(account, "B", At(closing.AddDays(1), TimeOnly.MinValue), 200m, invoice));
            return db.SaveChangesAsync();
        });

        var onClosingDate = await BuildAsync(account.Id, closing.AddDays(-30), closing);
        var nextDay = await BuildAsync(account.Id, closing.AddDays(1), closing.AddDays(1));

        Assert.Equal(700m, onClosingDate.Closing);
        Assert.Equal(700m, onClosingDate.Aging.Total);
        Assert.Equal(["Invoice", "Payment"], onClosingDate.Sections[0].Lines.Select(l => l.Kind.ToString()));
        // In UTC the first payment is already on the next day (04:59 on 11 March): the operator's zone decides.
        Assert.Equal(new DateOnly(2026, 3, 11), DateOnly.FromDateTime(At(closing, new TimeOnly(23, 59, 59))));
        Assert.Equal(700m, nextDay.Opening);
        Assert.Equal(500m, nextDay.Closing);
        Assert.Equal(closing.AddDays(1), Assert.Single(nextDay.Sections[0].Lines).Date);
    }

    [Fact]
    public async Task A_voided_invoice_is_on_no_line_balance_or_aging()
    {
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var day = new DateOnly(2026, 2, 1);
        await portal.WithDbAsync(db =>
        {
            db.Invoices.Add(InvoiceTestData.NewInvoice(account, 1, day, 400m, 400m));
            db.Invoices.Add(InvoiceTestData.NewInvoice(account, 2, day, 900m, 900m, isVoid: true));
            return db.SaveChangesAsync();
        });

        var statement = await BuildAsync(account.Id, day.AddDays(-1), day.AddDays(100));

        Assert.Equal(400m, statement.Closing);
        Assert.Equal(400m, statement.Aging.Total);
        Assert.Equal([account.Prefix + "001"], statement.Sections[0].Lines.Select(l => l.Number));
    }

    [Fact]
    public async Task A_credit_applied_after_the_closing_date_is_unapplied_on_it_and_the_invoice_still_open()
    {
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var closing = new DateOnly(2026, 4, 30);
        await portal.WithDbAsync(async db =>
        {
            var invoice = InvoiceTestData.NewInvoice(account, 1, closing.AddDays(-40), 500m, 350m);
            var credit = new CreditMemo
            {
                AccountId = account.Id,
                ExternalId = "X-" + account.Prefix + "CM",
                Number = account.Prefix + "CM",
                Date = closing.AddDays(-5),
                Currency = "USD",
                Amount = 150m,
                RemainingAmount = 0m,
                CreatedAt = DateTime.UtcNow,
                UpdatedAt = DateTime.UtcNow,
            };
            db.Invoices.Add(invoice);
            db.CreditMemos.Add(credit);
            await db.SaveChangesAsync();
            db.CreditApplications.Add(new CreditApplication { CreditMemoId = credit.Id, InvoiceId = invoice.Id, Amount = 150m, AppliedAt = At(closing.AddDays(10), new TimeOnly(9, 0)) });
            await db.SaveChangesAsync();
        });

        var before = await BuildAsync(account.Id, closing, closing, asOf: true);
        var after = await BuildAsync(account.Id, closing.AddDays(10), closing.AddDays(10), asOf: true);

        Assert.Equal(350m, before.Closing);
        Assert.Equal(500m, Assert.Single(before.Sections[0].OpenItems).Open);
        Assert.Equal(150m, before.Unapplied);
        Assert.Equal(350m, Assert.Single(after.Sections[0].OpenItems).Open);
        Assert.Equal(0m, after.Unapplied);
    }

    [Fact]
    public async Task A_parent_statement_subtotals_each_child_billed_to_it_and_refuses_a_child_in_another_currency()
    {
        var parent = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var day = new DateOnly(2026, 5, 5);
        var (childNumber, euroNumber) = await portal.WithDbAsync(async db =>
        {
            var now = DateTime.UtcNow;
            var billed = new Account { ExternalId = parent.Number + "-C", Number = parent.Number + "C", Name = "Child", Currency = "USD", ParentAccountId = parent.Id, BilledToParent = true, CreatedAt = now, UpdatedAt = now };
            var own = new Account { ExternalId = parent.Number + "-O", Number = parent.Number + "O", Name = "Own bills", Currency = "USD", ParentAccountId = parent.Id, BilledToParent = false, CreatedAt = now, UpdatedAt = now };
            db.Accounts.AddRange(billed, own);
            await db.SaveChangesAsync();
            db.Invoices.Add(InvoiceTestData.NewInvoice(parent, 1, day, 100m, 100m));
            db.Invoices.Add(InvoiceTestData.NewInvoice(parent with { Id = billed.Id, Prefix = parent.Prefix + "C" }, 2, day, 40m, 40m));
            db.Invoices.Add(InvoiceTestData.NewInvoice(parent with { Id = own.Id, Prefix = parent.Prefix + "O" }, 3, day, 7m, 7m));
            await db.SaveChangesAsync();
            return (billed.Number, own.Number);
        });

        var alone = await BuildAsync(parent.Id, day, day);
        var together = await BuildAsync(parent.Id, day, day, children: true);

        Assert.Equal(100m, alone.Closing);
        Assert.Equal([parent.Number, childNumber], together.Sections.Select(s => s.AccountNumber));
        Assert.Equal([100m, 40m], together.Sections.Select(s => s.Closing));
        Assert.Equal(140m, together.Closing);

        await portal.WithDbAsync(db => db.Accounts.Where(a => a.Number == childNumber).ExecuteUpdateAsync(u => u.SetProperty(a => a.Currency, "EUR")));
        var refused = await portal.WithDbAsync(db => StatementBuilder.BuildAsync(db, parent.Id, day, day, false, true, Zone, CancellationToken.None));
        Assert.Equal(new StatementResult.Refused(StatementRefusal.MixedCurrencies, childNumber), refused);
        Assert.NotEqual(euroNumber, childNumber);
    }

    [Fact]
    public async Task Statement_page_shows_opening_lines_closing_and_aging_and_its_closing_today_matches_the_overview()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var overview = WebUtility.HtmlDecode(await client.GetStringAsync("/", ct));
        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/statements", ct));

        Assert.Contains("<h1>Statement</h1>", html, StringComparison.Ordinal);
        Assert.Contains("data-test=\"opening\"", html, StringComparison.Ordinal);
        Assert.Contains("data-bucket=\"over-90\"", html, StringComparison.Ordinal);
        var closing = System.Text.RegularExpressions.Regex.Match(html, "data-test=\"closing\">([^<]+)<").Groups[1].Value;
        Assert.NotEmpty(closing);
        Assert.Contains(closing, overview, StringComparison.Ordinal);
        Assert.Contains("href=\"/statements\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?from=2026-05-01&to=2026-01-01", "The start date is after the end date.")]
    [InlineData("?to=2999-01-01", "A statement cannot be dated after today")]
    [InlineData("?asof=2999-01-01", "A statement cannot be dated after today")]
    [InlineData("?from=2001-01-01&to=2020-01-01", "A statement covers at most 10 years")]
    [InlineData("?from=yesterday", "Enter a date as year-month-day")]
    [InlineData("?asof=%22*NEAR-", "Enter a date as year-month-day")]
    public async Task Bad_dates_get_a_clear_message_and_no_statement(string query, string message)
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var response = await client.GetAsync("/statements" + query, ct);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-test=\"closing\"", html, StringComparison.Ordinal);
        var pdf = await client.GetAsync("/statements/pdf" + query, ct);
        Assert.Equal(HttpStatusCode.Redirect, pdf.StatusCode);
    }

    [Fact]
    public async Task A_very_long_date_value_is_a_field_error_not_a_failure()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var response = await client.GetAsync("/statements?from=" + new string('9', 10_000), ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Enter a date as year-month-day", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en-US", "STATEMENT", "Page 1 of", "Closing balance", "$")]
    [InlineData("es", "ESTADO DE CUENTA", "Página 1 de", "Saldo final", ",")]
    [InlineData("fr", "RELEVÉ", "Page 1 sur", "Solde de clôture", ",")]
    public async Task Statement_pdf_reads_in_the_readers_language_with_letterhead_and_page_numbers(string culture, string title, string page, string closing, string decimalMark)
    {
        var ct = TestContext.Current.CancellationToken;
        var client = await portal.LoginAsync(DemoData.CustomerEmail);

        var response = await client.GetAsync($"/statements/pdf?culture={culture}", ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var text = await InvoiceTestData.PdfTextAsync(await response.Content.ReadAsByteArrayAsync(ct));
        Assert.NotNull(text);
        Assert.Contains(title, text, StringComparison.Ordinal);
        Assert.Contains(page, text, StringComparison.Ordinal);
        Assert.Contains(closing, text, StringComparison.Ordinal);
        Assert.Contains("400 Harbor Way", text, StringComparison.Ordinal);
        Assert.Contains("billing@summit-rental.example", text, StringComparison.Ordinal);
        Assert.Contains("10001", text, StringComparison.Ordinal);
        Assert.Matches(decimalMark == "," ? @"\d,\d\d" : @"\$[\d,]+\.\d\d", text);
    }

    [Fact]
    public async Task Without_see_money_the_statement_is_not_allowed()
    {
        var ct = TestContext.Current.CancellationToken;
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.View);
        var client = await portal.LoginAsync(account.Email);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/statements", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/statements/pdf", ct)).StatusCode);
    }

    private static DateTime At(DateOnly day, TimeOnly time) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(time, DateTimeKind.Unspecified), Zone);

    private static Payment Paid(ArrangedAccount account, string suffix, DateTime receivedAt, decimal amount, Invoice invoice)
    {
        invoice.OpenAmount -= amount;
        return new Payment
        {
            AccountId = account.Id,
            Number = account.Prefix + "P" + suffix,
            ReceivedAt = receivedAt,
            Method = PaymentMethodKind.Check,
            Currency = "USD",
            Amount = amount,
            Status = PaymentStatus.Succeeded,
            CreatedAt = DateTime.UtcNow,
            Allocations = { new PaymentAllocation { Invoice = invoice, Amount = amount } },
        };
    }

    private Task<Statement> BuildAsync(long accountId, DateOnly from, DateOnly to, bool asOf = false, bool children = false) =>
        portal.WithDbAsync(async db =>
            Assert.IsType<StatementResult.Ready>(await StatementBuilder.BuildAsync(db, accountId, from, to, asOf, children, Zone, CancellationToken.None)).Statement);
}
