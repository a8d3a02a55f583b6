using FsCheck;
using FsCheck.Fluent;
using Portal.Features.Ledger;
using Portal.Features.Statements;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Statements;

/// <summary>
/// The statement's figures reconcile with the overview and with themselves, over random ledgers
/// (voids, payments at the edges of the day and on the closing date, credits applied weeks later).
/// </summary>
public sealed class StatementReconciliationTests(PortalFactory portal)
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(25);

    [Fact]
    public void Closing_balance_today_equals_the_overview_balance_and_the_ledger()
    {
        Prop.ForAll(Gen.Choose(1, int.MaxValue - 1).ToArbitrary(), seed =>
        {
            var ledger = StatementLedger.CreateAsync(portal, seed).GetAwaiter().GetResult();
            var statement = ledger.StatementAsync(portal, ledger.Today.AddDays(-500), ledger.Today).GetAwaiter().GetResult();
            var overview = portal.WithDbAsync(db => AccountFigures.LoadAsync(db, ledger.Account.Id, ledger.Today)).GetAwaiter().GetResult();

            Assert.Equal(overview.Balance, statement.Closing);
            Assert.Equal(ledger.BalanceAt(ledger.Today), statement.Closing);
            Assert.Equal(0m, statement.Opening);
            Assert.Equal(overview.OpenInvoicesTotal, statement.Aging.Total);
        }).Check(Runs);
    }

    [Fact]
    public void Opening_of_a_range_equals_the_closing_of_the_day_before_and_aging_matches_the_ledger_on_any_date()
    {
        var cases = Gen.Choose(1, int.MaxValue - 1).SelectMany(seed => Gen.Choose(0, 400).Select(split => (seed, split)));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var ledger = StatementLedger.CreateAsync(portal, c.seed).GetAwaiter().GetResult();
            var split = ledger.FirstDay.AddDays(c.split);
            var before = ledger.StatementAsync(portal, ledger.FirstDay, split.AddDays(-1)).GetAwaiter().GetResult();
            var after = ledger.StatementAsync(portal, split, ledger.Today).GetAwaiter().GetResult();
            var asOf = ledger.StatementAsync(portal, split, split, asOf: true).GetAwaiter().GetResult();

            Assert.Equal(before.Closing, after.Opening);
            Assert.Equal(ledger.BalanceAt(split.AddDays(-1)), after.Opening);
            Assert.Equal(ledger.BalanceAt(split), asOf.Closing);
            Assert.Equal(ledger.AgingAt(split), asOf.Aging);
            Assert.Equal(after.Opening + after.Sections[0].Lines.Sum(l => l.Charge - l.Credit), after.Closing);
            if (after.Sections[0].Lines.Count > 0)
            {
                Assert.Equal(after.Closing, after.Sections[0].Lines[^1].Balance);
            }
        }).Check(Runs);
    }

    [Fact]
    public void Pages_of_a_statement_hold_the_whole_statement_with_a_running_balance_continuous_across_pages()
    {
        var cases = Gen.Choose(1, int.MaxValue - 1).SelectMany(seed => Gen.Choose(1, 4).Select(size => (seed, size)));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var ledger = StatementLedger.CreateAsync(portal, c.seed).GetAwaiter().GetResult();
            var from = ledger.FirstDay.AddDays(c.seed % 200);
            var whole = ledger.StatementAsync(portal, from, ledger.Today).GetAwaiter().GetResult();
            var lines = new List<StatementLine>();
            StatementKey? key = null;
            var pages = 0;
            do
            {
                var page = ledger.PageAsync(portal, from, ledger.Today, new StatementPaging(c.size, key)).GetAwaiter().GetResult();
                var section = page.Sections[0];
                Assert.Equal(pages == 0, page.IsFirstPage);
                Assert.Equal(whole.Opening, section.Opening);
                Assert.Equal(whole.Closing, section.Closing);
                Assert.Equal(whole.Aging, page.Aging);
                Assert.Equal(whole.Sections[0].Lines.Count, page.TotalLines);
                Assert.True(section.Lines.Count <= c.size);
                // The balance brought forward to a page is the balance after the last line of the page before.
                Assert.Equal(lines.Count == 0 ? whole.Opening : lines[^1].Balance, section.BroughtForward);
                Assert.Equal(pages > 0, section.LinesOnEarlierPages);
                Assert.Equal(page.Next is not null, section.LinesOnLaterPages);
                lines.AddRange(section.Lines);
                key = page.Next;
                pages++;
            }
            while (key is not null && pages <= whole.Sections[0].Lines.Count + 1);

            Assert.Null(key);
            Assert.Equal(whole.Sections[0].Lines, lines);
            Assert.Equal(Math.Max(1, (whole.Sections[0].Lines.Count + c.size - 1) / c.size), pages);
        }).Check(Runs);
    }

    [Fact]
    public void A_page_of_a_range_ending_in_the_past_ages_what_was_open_then_as_the_whole_statement_does()
    {
        // Payments and credits after the closing date: the page sums what they took off, the whole statement reads the items.
        var cases = Gen.Choose(1, int.MaxValue - 1).SelectMany(seed => Gen.Choose(0, 400).Select(split => (seed, split)));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var ledger = StatementLedger.CreateAsync(portal, c.seed).GetAwaiter().GetResult();
            var to = ledger.FirstDay.AddDays(c.split);
            var whole = ledger.StatementAsync(portal, ledger.FirstDay, to).GetAwaiter().GetResult();
            var page = ledger.PageAsync(portal, ledger.FirstDay, to, new StatementPaging(3, null)).GetAwaiter().GetResult();

            Assert.Equal(ledger.AgingAt(to), page.Aging);
            Assert.Equal(whole.Aging, page.Aging);
            Assert.Equal(whole.Unapplied, page.Unapplied);
            Assert.Equal(whole.Closing, page.Closing);
        }).Check(Runs);
    }

    [Fact]
    public async Task A_page_key_of_another_account_or_a_malformed_one_shows_the_first_page()
    {
        var ledger = await StatementLedger.CreateAsync(portal, 7);
        var foreign = new StatementKey(ledger.Account.Id + 1_000_000, ledger.Today, StatementLineKind.Invoice, default, 1);
        var page = await ledger.PageAsync(portal, ledger.FirstDay, ledger.Today, new StatementPaging(2, StatementKey.Decode(foreign.Encode())));

        Assert.True(page.IsFirstPage);
        Assert.Equal(page.Sections[0].Opening, page.Sections[0].BroughtForward);
        Assert.Null(StatementKey.Decode("not a key"));
        Assert.Equal(foreign, StatementKey.Decode(foreign.Encode()));
    }
}
