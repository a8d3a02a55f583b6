using FsCheck;
using FsCheck.Fluent;
using Portal.Features.Ledger;
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
}
