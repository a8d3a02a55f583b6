using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Credits;
using Portal.Features.Invoices;
using Portal.Features.Ledger;
using Portal.Features.Payments;
using Portal.Features.Statements;
using Portal.Tests.Features.Invoices;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Statements;

/// <summary>
/// A random ledger on an account of its own, kept both in the database (through the ledger's own
/// running figures) and in memory, where the statement's figures are recomputed the slow, obvious way.
/// </summary>
public sealed class StatementLedger
{
    public static readonly TimeZoneInfo Zone = Portal.Infrastructure.OperatorClock.FindZone("America/New_York");

    private readonly List<Invoice> _invoices = [];
    private readonly List<(Payment Payment, DateOnly LocalDate)> _payments = [];
    private readonly List<(CreditMemo Credit, List<(Invoice Invoice, decimal Amount, DateOnly Applied)> Applications)> _credits = [];

    private StatementLedger(ArrangedAccount account, DateOnly today)
    {
        Account = account;
        Today = today;
    }

    public ArrangedAccount Account { get; }

    public DateOnly Today { get; }

    public DateOnly FirstDay => Today.AddDays(-400);

    public static DateOnly LocalToday() =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, Zone));

    /// <summary>
    /// Invoices (some void), payments received at local midnight, noon or a second before midnight
    /// (some on the closing date) and allocated oldest first, and credits applied days or weeks after
    /// their date, all within the last 400 days.
    /// </summary>
    public static async Task<StatementLedger> CreateAsync(PortalFactory portal, int seed)
    {
        var random = new Random(seed);
        var account = await InvoiceTestData.NewAccountAsync(portal, Permissions.All);
        var ledger = new StatementLedger(account, LocalToday());
        var events = new List<(DateOnly Day, int Order, Action Run)>();
        var n = 0;
        var invoiceCount = random.Next(0, 14);
        for (var i = 0; i < invoiceCount; i++)
        {
            var day = ledger.FirstDay.AddDays(random.Next(0, 401));
            var number = ++n;
            var total = random.Next(1, 500_000) / 100m;
            var isVoid = random.Next(10) == 0;
            var due = day.AddDays(new[] { 0, 15, 30, 45 }[random.Next(4)]);
            events.Add((day, 0, () => ledger._invoices.Add(InvoiceTestData.NewInvoice(account, number, day, total, total, isVoid, due: due))));
        }

        var paymentCount = random.Next(0, 9);
        for (var i = 0; i < paymentCount; i++)
        {
            var day = ledger.FirstDay.AddDays(random.Next(0, 401));
            if (random.Next(5) == 0)
            {
                day = ledger.Today;
            }

            var number = ++n;
            var amount = random.Next(1, 400_000) / 100m;
            var time = new[] { TimeOnly.MinValue, new TimeOnly(12, 0), new TimeOnly(23, 59, 59) }[random.Next(3)];
            events.Add((day, 1, () => ledger.Pay(number, day, time, amount)));
        }

        var creditCount = random.Next(0, 5);
        for (var i = 0; i < creditCount; i++)
        {
            var day = ledger.FirstDay.AddDays(random.Next(0, 401));
            var number = ++n;
            var amount = random.Next(1, 100_000) / 100m;
            var isVoid = random.Next(8) == 0;
            var applyOn = day.AddDays(random.Next(0, 60));
            var entry = (Credit: new CreditMemo
            {
                AccountId = account.Id,
                ExternalId = $"X-{account.Prefix}C{number}",
                Number = $"{account.Prefix}C{number}",
                Date = day,
                Currency = "USD",
                Amount = amount,
                RemainingAmount = amount,
                IsVoid = isVoid,
                CreatedAt = DateTime.UtcNow,
                UpdatedAt = DateTime.UtcNow,
            }, Applications: new List<(Invoice, decimal, DateOnly)>());
            events.Add((day, 2, () => ledger._credits.Add(entry)));
            if (!isVoid && applyOn <= ledger.Today)
            {
                events.Add((applyOn, 3, () => ledger.Apply(entry.Credit, entry.Applications, applyOn)));
            }
        }

        foreach (var e in events.OrderBy(e => e.Day).ThenBy(e => e.Order))
        {
            e.Run();
        }

        await ledger.SaveAsync(portal);
        return ledger;
    }

    private void Pay(int number, DateOnly day, TimeOnly time, decimal amount)
    {
        var utc = TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(time, DateTimeKind.Unspecified), Zone);
        var payment = new Payment
        {
            AccountId = Account.Id,
            Number = $"{Account.Prefix}P{number}",
            ReceivedAt = utc,
            Method = PaymentMethodKind.Check,
            Currency = "USD",
            Amount = amount,
            UnappliedAmount = amount,
            Status = PaymentStatus.Succeeded,
            CreatedAt = DateTime.UtcNow,
        };
        var (parts, _) = Portal.Features.Ledger.Ledger.OldestFirst(_invoices, amount);
        Assert.IsType<LedgerResult.Applied>(new Portal.Features.Ledger.Ledger(TimeProvider.System).AllocatePayment(payment, parts));
        _payments.Add((payment, day));
    }

    private void Apply(CreditMemo credit, List<(Invoice, decimal, DateOnly)> applications, DateOnly day)
    {
        var (parts, _) = Portal.Features.Ledger.Ledger.OldestFirst(_invoices, credit.RemainingAmount);
        foreach (var part in parts)
        {
            part.Invoice.OpenAmount -= part.Amount;
            credit.RemainingAmount -= part.Amount;
            applications.Add((part.Invoice, part.Amount, day));
        }
    }

    private async Task SaveAsync(PortalFactory portal)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        db.Invoices.AddRange(_invoices);
        db.Payments.AddRange(_payments.Select(p => p.Payment));
        db.CreditMemos.AddRange(_credits.Select(c => c.Credit));
        await db.SaveChangesAsync();
        foreach (var (credit, applications) in _credits)
        {
            foreach (var (invoice, amount, day) in applications)
            {
                db.CreditApplications.Add(new CreditApplication
                {
                    CreditMemoId = credit.Id,
                    InvoiceId = invoice.Id,
                    Amount = amount,
                    AppliedAt = TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(new TimeOnly(9, 0), DateTimeKind.Unspecified), Zone),
                });
            }
        }

        await db.SaveChangesAsync();
    }

    /// <summary>The balance at the end of a local date: everything issued by then less everything received or credited by then.</summary>
    public decimal BalanceAt(DateOnly day) =>
        _invoices.Where(i => !i.IsVoid && i.IssueDate <= day).Sum(i => i.Total)
        - _credits.Where(c => !c.Credit.IsVoid && c.Credit.Date <= day).Sum(c => c.Credit.Amount)
        - _payments.Where(p => p.LocalDate <= day).Sum(p => p.Payment.Amount);

    /// <summary>What each invoice issued by the day still owed at its end, aged as the statement ages it.</summary>
    public StatementAging AgingAt(DateOnly day)
    {
        var aging = StatementAging.Zero;
        foreach (var invoice in _invoices.Where(i => !i.IsVoid && i.IssueDate <= day))
        {
            var paid = _payments.Where(p => p.LocalDate <= day).SelectMany(p => p.Payment.Allocations).Where(a => ReferenceEquals(a.Invoice, invoice)).Sum(a => a.Amount);
            var credited = _credits.Where(c => c.Credit.Date <= day).SelectMany(c => c.Applications)
                .Where(a => ReferenceEquals(a.Invoice, invoice) && a.Applied <= day).Sum(a => a.Amount);
            var open = invoice.Total - paid - credited;
            if (open > 0m)
            {
                aging = aging.Add(day.DayNumber - invoice.DueDate.DayNumber, open);
            }
        }

        return aging;
    }

    public Task<Statement> StatementAsync(PortalFactory portal, DateOnly from, DateOnly to, bool asOf = false) =>
        portal.WithDbAsync(async db =>
        {
            var result = await StatementBuilder.BuildAsync(db, Account.Id, from, to, asOf, includeChildren: false, Zone, CancellationToken.None);
            return Assert.IsType<StatementResult.Ready>(result).Statement;
        });

    public Task<Statement> PageAsync(PortalFactory portal, DateOnly from, DateOnly to, StatementPaging paging) =>
        portal.WithDbAsync(async db =>
        {
            var result = await StatementBuilder.BuildAsync(db, Account.Id, from, to, asOf: false, includeChildren: false, Zone, CancellationToken.None, paging);
            return Assert.IsType<StatementResult.Ready>(result).Statement;
        });
}
