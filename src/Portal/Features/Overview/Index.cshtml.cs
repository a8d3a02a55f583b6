using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Invoices;
using Portal.Features.Ledger;
using Portal.Features.Operator;
using Portal.Features.Payments;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Overview;

/// <summary>
/// The customer's home page. Three compiled queries after the guard: the account figures (over the small
/// "open" indexes), the bill day (a primary-key lookup), and one UNION ALL that brings the newest five
/// invoices, payments and credit memos (each a short walk down its (AccountId, date, Id) index) and the
/// account's branches.
/// </summary>
public sealed class IndexModel(PortalDb db, OperatorClock clock, OperatorSettingsCache settingsCache) : PageModel
{
    public const int RecentCount = 5;

    // Enough to know whether there is more than one branch and to fill the selector.
    private const int MaxBranches = 20;

    // Fills the date slots a payment or credit memo has no use for; a typed constant, unlike null, needs no cast.
    private static readonly DateOnly NoDate = new(2000, 1, 1);

    private const int KindInvoice = 1;
    private const int KindPayment = 2;
    private const int KindCredit = 3;

    private static readonly Func<PortalDb, long, string?, IAsyncEnumerable<Row>> RowsQuery =
        EF.CompileAsyncQuery((PortalDb db, long accountId, string? branch) =>
            db.Invoices
                .Where(i => i.AccountId == accountId && (branch == null || i.Branch == branch))
                .OrderByDescending(i => i.IssueDate).ThenByDescending(i => i.Id)
                .Take(RecentCount)
                .Select(i => new Row { Kind = KindInvoice, Id = i.Id, Number = i.Number, At = i.CreatedAt, Date = i.IssueDate, DueDate = i.DueDate, Number2 = 0, Amount = i.Total, Open = i.OpenAmount, IsVoid = i.IsVoid, Branch = i.Branch, Text = null })
                .Concat(db.Payments
                    .Where(p => p.AccountId == accountId)
                    .OrderByDescending(p => p.ReceivedAt).ThenByDescending(p => p.Id)
                    .Take(RecentCount)
                    .Select(p => new Row { Kind = KindPayment, Id = p.Id, Number = p.Number, At = p.ReceivedAt, Date = NoDate, DueDate = NoDate, Number2 = (int)p.Status, Amount = p.Amount, Open = p.UnappliedAmount, IsVoid = false, Branch = null, Text = p.MethodDetail }))
                .Concat(db.CreditMemos
                    .Where(c => c.AccountId == accountId && (branch == null || c.Branch == branch))
                    .OrderByDescending(c => c.Date).ThenByDescending(c => c.Id)
                    .Take(RecentCount)
                    .Select(c => new Row { Kind = KindCredit, Id = c.Id, Number = c.Number, At = c.CreatedAt, Date = c.Date, DueDate = NoDate, Number2 = 0, Amount = c.Amount, Open = c.RemainingAmount, IsVoid = c.IsVoid, Branch = c.Branch, Text = c.Reference })));

    /// <summary>
    /// The distinct branches of the account's invoices, by a loose index scan over (AccountId, Branch):
    /// one index seek per branch, so an account with 20,000 invoices in three branches costs three seeks,
    /// not a read of its whole history. Both databases run this recursive CTE as written.
    /// </summary>
    private static async Task<IReadOnlyList<string>> BranchesAsync(PortalDb db, long accountId, CancellationToken ct) =>
        await db.Database.SqlQuery<string>($"""
            WITH RECURSIVE b(branch, n) AS (
                SELECT (SELECT MIN("Branch") FROM "Invoices" WHERE "AccountId" = {accountId}), 1
                UNION ALL
                SELECT (SELECT MIN("Branch") FROM "Invoices" WHERE "AccountId" = {accountId} AND "Branch" > b.branch), b.n + 1
                FROM b WHERE b.branch IS NOT NULL AND b.n < {MaxBranches}
            )
            SELECT branch AS "Value" FROM b WHERE branch IS NOT NULL
            """).ToListAsync(ct);

    private static readonly Func<PortalDb, long, Task<int>> BillDayQuery =
        EF.CompileAsyncQuery((PortalDb db, long accountId) =>
            db.Accounts.Where(a => a.Id == accountId).Select(a => a.BillDay).FirstOrDefault());

    // The invoice list above follows the branch filter; the latest invoice is the account's, whatever branch.
    private static readonly Func<PortalDb, long, Task<Row?>> LatestInvoiceQuery =
        EF.CompileAsyncQuery((PortalDb db, long accountId) =>
            db.Invoices
                .Where(i => i.AccountId == accountId)
                .OrderByDescending(i => i.IssueDate).ThenByDescending(i => i.Id)
                .Select(i => new Row { Kind = KindInvoice, Id = i.Id, Number = i.Number, At = i.CreatedAt, Date = i.IssueDate, DueDate = i.DueDate, Number2 = 0, Amount = i.Total, Open = i.OpenAmount, IsVoid = i.IsVoid, Branch = i.Branch, Text = null })
                .FirstOrDefault());

    // Orders and deliveries tiles: each the newest few down its (AccountId, date, Id) index.
    private static readonly Func<PortalDb, long, IAsyncEnumerable<RecentOrder>> OrdersQuery =
        EF.CompileAsyncQuery((PortalDb db, long accountId) =>
            db.Orders.Where(o => o.AccountId == accountId).OrderByDescending(o => o.OrderedAt).ThenByDescending(o => o.Id).Take(RecentCount)
                .Select(o => new RecentOrder(o.Number, o.OrderedAt, o.PurchaseOrder, o.Status, o.Currency, o.Total)));

    private static readonly Func<PortalDb, long, IAsyncEnumerable<RecentDelivery>> DeliveriesQuery =
        EF.CompileAsyncQuery((PortalDb db, long accountId) =>
            db.Deliveries.Where(d => d.AccountId == accountId && d.ShippedAt != null).OrderByDescending(d => d.ShippedAt).ThenByDescending(d => d.Id).Take(RecentCount)
                .Select(d => new RecentDelivery(d.Number, d.ShippedAt!.Value, d.DeliveredAt, d.Carrier, d.TrackingNumber,
                    db.Orders.Where(o => o.Id == d.OrderId && o.AccountId == accountId).Select(o => o.Number).FirstOrDefault())));

    [BindProperty(SupportsGet = true)]
    public string? Branch { get; set; }

    public IReadOnlyList<RecentOrder> Orders { get; private set; } = [];

    public IReadOnlyList<RecentDelivery> Deliveries { get; private set; } = [];

    public CurrentAccount Account { get; private set; } = null!;

    public OperatorSettings Settings { get; private set; } = new();

    public AccountFigures Figures { get; private set; } = null!;

    /// <summary>The account's figures with those of the accounts billed to it (none for most accounts).</summary>
    public ParentFigures Totals { get; private set; } = null!;

    public DateOnly Today { get; private set; }

    public int BillDay { get; private set; } = 1;

    public IReadOnlyList<string> Branches { get; private set; } = [];

    /// <summary>The current billing period's usage per product, when the usage feature is on.</summary>
    public Usage.BillingPeriod? UsagePeriod { get; private set; }

    public IReadOnlyList<Usage.UsageSummary.Total> UsageTotals { get; private set; } = [];

    public bool ShowBranchSelector => Settings.BranchesEnabled && Branches.Count > 1;

    public RecentInvoice? LatestInvoice { get; private set; }

    public IReadOnlyList<RecentInvoice> Invoices { get; private set; } = [];

    public IReadOnlyList<RecentPayment> Payments { get; private set; } = [];

    public IReadOnlyList<RecentCredit> Credits { get; private set; } = [];

    /// <summary>What every account the user may see money for owes together (two or more accounts).</summary>
    public CombinedBalance? Combined { get; private set; }

    public bool CanPayAcross => CanPay && Combined is { Payable: > 1 };

    public bool CanPay => Account.SeesMoney
        && Account.Can(Permissions.Pay)
        && Settings.PaymentsEnabled
        && !Account.BilledToParent
        && Figures.HasPayable;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Account = HttpContext.CurrentAccount();
        Settings = HttpContext.Items[typeof(OperatorSettings)] as OperatorSettings ?? await settingsCache.GetAsync(ct);
        Today = await clock.TodayAsync(ct);
        var branch = string.IsNullOrWhiteSpace(Branch) || !Settings.BranchesEnabled ? null : Branch.Trim();
        Branch = branch;

        Figures = await AccountFigures.LoadAsync(db, Account.Id, Today, ct);
        Totals = await ParentFigures.LoadAsync(db, Figures, Account.Id, Today, ct);
        if (Account.CanSwitch && Account.SeesMoney)
        {
            Combined = await UserAccounts.CombinedAsync(db, HttpContext.User.FindFirstValue(ClaimTypes.NameIdentifier)!, ct);
        }
        BillDay = await BillDayQuery(db, Account.Id);
        if (Settings.IsOn(PortalFeature.Usage))
        {
            var zone = await clock.ZoneAsync(ct);
            UsagePeriod = Usage.BillingPeriods.Containing(Today, BillDay, zone);
            UsageTotals = await Usage.UsageSummary.ProductTotalsAsync(db, Account.Id, UsagePeriod, zone, ct);
        }

        var invoices = new List<RecentInvoice>(RecentCount);
        var payments = new List<RecentPayment>(RecentCount);
        var credits = new List<RecentCredit>(RecentCount);
        await foreach (var row in RowsQuery(db, Account.Id, branch).WithCancellation(ct))
        {
            switch (row.Kind)
            {
                case KindInvoice:
                    invoices.Add(ToInvoice(row));
                    break;
                case KindPayment:
                    payments.Add(new RecentPayment(row.Number, row.At, (PaymentStatus)row.Number2, row.Amount, row.Text));
                    break;
                case KindCredit:
                    credits.Add(new RecentCredit(row.Number, row.Date, row.Amount, row.Open, row.IsVoid, row.Branch, row.Text));
                    break;
            }
        }

        // UNION ALL keeps no order across its parts: each list is put back in order here.
        Invoices = invoices.OrderByDescending(i => i.IssueDate).ThenByDescending(i => i.Id).ToList();
        Payments = payments.OrderByDescending(p => p.ReceivedAt).ToList();
        Credits = credits.OrderByDescending(c => c.Date).ToList();
        Branches = Settings.BranchesEnabled ? await BranchesAsync(db, Account.Id, ct) : [];
        if (branch is not null && !Branches.Contains(branch, StringComparer.Ordinal))
        {
            // A branch the account has no documents in: show everything rather than an empty page.
            return Redirect("/");
        }

        if (Settings.IsOn(PortalFeature.Orders))
        {
            var orders = new List<RecentOrder>(RecentCount);
            await foreach (var order in OrdersQuery(db, Account.Id).WithCancellation(ct))
            {
                orders.Add(order);
            }

            var deliveries = new List<RecentDelivery>(RecentCount);
            await foreach (var delivery in DeliveriesQuery(db, Account.Id).WithCancellation(ct))
            {
                deliveries.Add(delivery);
            }

            Orders = orders;
            Deliveries = deliveries;
        }

        LatestInvoice = branch is null
            ? Invoices.FirstOrDefault()
            : await LatestInvoiceQuery(db, Account.Id) is { } latest ? ToInvoice(latest) : null;
        return Page();
    }

    public InvoiceStatus StatusOf(RecentInvoice invoice) =>
        InvoiceStatuses.Of(invoice.IsVoid, invoice.Total, invoice.Open, invoice.DueDate, Today);

    private RecentInvoice ToInvoice(Row row) =>
        new(row.Id, row.Number, row.Date, row.DueDate, row.Amount, row.Open, row.IsVoid, row.Branch);

    public sealed record RecentInvoice(long Id, string Number, DateOnly IssueDate, DateOnly DueDate, decimal Total, decimal Open, bool IsVoid, string? Branch);

    public sealed record RecentOrder(string Number, DateTime OrderedAt, string? PurchaseOrder, Portal.Features.Orders.OrderStatus Status, string Currency, decimal Total);

    public sealed record RecentDelivery(string Number, DateTime ShippedAt, DateTime? DeliveredAt, string? Carrier, string? TrackingNumber, string? OrderNumber);

    public sealed record RecentPayment(string Number, DateTime ReceivedAt, PaymentStatus Status, decimal Amount, string? MethodDetail);

    public sealed record RecentCredit(string Number, DateOnly Date, decimal Amount, decimal Remaining, bool IsVoid, string? Branch, string? Reference);

    /// <summary>One shape for every part of the UNION ALL; Number2 carries a payment's status.</summary>
    private sealed class Row
    {
        public int Kind { get; init; }

        public long Id { get; init; }

        public string Number { get; init; } = "";

        public DateTime At { get; init; }

        public DateOnly Date { get; init; }

        public DateOnly DueDate { get; init; }

        public int Number2 { get; init; }

        public decimal Amount { get; init; }

        public decimal Open { get; init; }

        public bool IsVoid { get; init; }

        public string? Branch { get; init; }

        public string? Text { get; init; }
    }
}
