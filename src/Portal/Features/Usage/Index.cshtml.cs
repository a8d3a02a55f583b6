using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Features.Usage.Exports;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Paging;
using Portal.Resources;

namespace Portal.Features.Usage;

/// <summary>
/// The account's usage for one billing period: totals per product (and per identifier on demand), a
/// chart per day, and the records newest first, keyset-paged. The filter lives in the URL; anything
/// unusable in it is dropped with a notice. Export requests post here and are queued (or, when small,
/// answered at once).
/// </summary>
[RequiresFeature(PortalFeature.Usage)]
[RequiresPermission(Permissions.View)]
public sealed class IndexModel(
    PortalDb db, OperatorClock clock, OperatorSettingsCache settingsCache, UsageExportRequests exports, IStringLocalizer<SharedResource> l) : KeysetListPage<UsageRow>
{
    public const int PageSize = 50;

    // How far back the period picker looks for months with records.
    private const int PickerMonths = 120;

    [BindProperty(SupportsGet = true)]
    public string? Period { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Product { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Identifier { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Invoiced { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    /// <summary>"identifier" shows the totals per identifier too.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Totals { get; set; }

    public CurrentAccount Account => HttpContext.CurrentAccount();

    public UsageFilter Filter { get; private set; } = null!;

    public UsageSummary Summary { get; private set; } = null!;

    public IReadOnlyList<BillingPeriod> Periods { get; private set; } = [];

    public IReadOnlyList<string> Columns { get; private set; } = UsageColumns.All;

    public bool ExportsOn { get; private set; }

    public int ExportLimit { get; private set; }

    public bool ByIdentifier => Totals == "identifier";

    public bool Shows(string column) => Columns.Contains(column, StringComparer.Ordinal);

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
    }

    /// <summary>Remembers the chosen columns for this user, then shows the same list again.</summary>
    public async Task<IActionResult> OnPostColumnsAsync(string[]? columns, string? back, CancellationToken ct)
    {
        var userId = HttpContext.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)!.Value;
        var chosen = string.Join(',', UsageColumns.Parse(columns));
        var now = clock.UtcNow;
        var existing = await db.UsageColumnChoices.FirstOrDefaultAsync(c => c.UserId == userId, ct);
        if (existing is null)
        {
            db.UsageColumnChoices.Add(new UsageColumnChoice { UserId = userId, Columns = chosen, UpdatedAt = now });
        }
        else
        {
            existing.Columns = chosen;
            existing.UpdatedAt = now;
        }

        await db.SaveChangesAsync(ct);
        return LocalRedirect(SafeBack(back));
    }

    /// <summary>
    /// Exports the records of the filter: answered at once when small, else queued for the background
    /// job (and an e-mail). A bad request (row count above the limit, format unknown) changes nothing.
    /// </summary>
    [RequiresFeature(PortalFeature.UsageExport)]
    public async Task<IActionResult> OnPostExportAsync(string? format, string? rows, CancellationToken ct)
    {
        await LoadAsync(ct);
        var result = await exports.RequestAsync(Account, Filter, format, rows, ct);
        switch (result)
        {
            case UsageExportRequests.Result.Immediate file:
                return File(file.Content, file.ContentType, file.FileName);
            case UsageExportRequests.Result.Queued:
                return Redirect("/usage/exports?queued=1");
            case UsageExportRequests.Result.Invalid invalid:
                ModelState.AddModelError(invalid.Field, invalid.Message);
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            default:
                throw new InvalidOperationException();
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var account = Account;
        var settings = await settingsCache.GetAsync(ct);
        ExportsOn = settings.IsOn(PortalFeature.UsageExport);
        ExportLimit = settings.UsageExportLimit;
        var zone = await clock.ZoneAsync(ct);
        var today = await clock.TodayAsync(ct);
        var billDay = await db.Accounts.Where(a => a.Id == account.Id).Select(a => a.BillDay).FirstAsync(ct);
        var values = new UsageQueryValues(Period, Product, Identifier, From, To, Invoiced, Q);
        Filter = UsageFilter.Parse(values, billDay, today, zone, l, Notices);
        Summary = await UsageSummary.LoadAsync(db, account.Id, Filter, zone, ByIdentifier, ct);
        // A product or identifier the period does not have is dropped with a notice, and the summary read
        // again once for what is left (the choices of every product are in the first read).
        var usable = Filter;
        if (usable.Product is { } product && !Summary.Products.Contains(product, StringComparer.Ordinal))
        {
            Notices.Add(l["This account has no usage of product {0} in the period; showing every product.", product]);
            usable = usable with { Product = null };
        }

        if (usable.Identifier is { } identifier && !Summary.IdentifiersOf(usable.Product).Contains(identifier, StringComparer.Ordinal))
        {
            Notices.Add(l["There is no usage for identifier {0} in the period; showing every identifier.", identifier]);
            usable = usable with { Identifier = null };
        }

        if (!ReferenceEquals(usable, Filter))
        {
            Filter = usable;
            Summary = await UsageSummary.LoadAsync(db, account.Id, Filter, zone, ByIdentifier, ct);
        }

        var page = await UsageRecordList.ReadAsync(db, account.Id, Filter, zone, After, PageSize, ct);
        ShowPage(page, l);
        Periods = await PeriodsAsync(account.Id, billDay, today, zone, ct);
        var userId = HttpContext.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
        var chosen = await db.UsageColumnChoices.AsNoTracking().Where(c => c.UserId == userId).Select(c => c.Columns).FirstOrDefaultAsync(ct);
        Columns = chosen is null ? UsageColumns.All : UsageColumns.Parse(chosen.Split(','));
    }

    /// <summary>
    /// The current period and every past one in a month that has records: one EXISTS per month over
    /// the month-led index (a seek each), in one short statement. The months are counted down by a
    /// recursive CTE in integer arithmetic (yyyymm; January steps back to December of the year before,
    /// m - 89), the same SQL on both databases: a list of 121 literal months made a 5 KB statement that
    /// SQLite parsed and planned again on every view.
    /// </summary>
    private async Task<IReadOnlyList<BillingPeriod>> PeriodsAsync(long accountId, int billDay, DateOnly today, TimeZoneInfo zone, CancellationToken ct)
    {
        var current = BillingPeriods.Containing(today, billDay, zone);
        var newest = new DateOnly(today.Year, today.Month, 1).AddMonths(1);
        const string sql = """
            WITH RECURSIVE "Candidates"("M", "N") AS (
                SELECT {0}, 0
                UNION ALL
                SELECT CASE WHEN "M" % 100 = 1 THEN "M" - 89 ELSE "M" - 1 END, "N" + 1 FROM "Candidates" WHERE "N" < {1})
            SELECT c."M" AS "Value" FROM "Candidates" AS c
            WHERE EXISTS (SELECT 1 FROM "UsageRecords" AS u WHERE u."Month" = c."M" AND u."AccountId" = {2})
            """;
        var withRecords = (await db.Database.SqlQueryRaw<int>(sql, (newest.Year * 100) + newest.Month, PickerMonths, accountId).ToListAsync(ct)).ToHashSet();
        var periods = new List<BillingPeriod> { current };
        if (withRecords.Count == 0)
        {
            return periods;
        }

        var oldest = withRecords.Min();
        for (var period = BillingPeriods.Previous(current, billDay, zone); UsageRecord.MonthOf(period.EndUtc) >= oldest; period = BillingPeriods.Previous(period, billDay, zone))
        {
            if (period.Months.Any(withRecords.Contains))
            {
                periods.Add(period);
            }
        }

        return periods;
    }

    /// <summary>A link to this page with the current filter, changed as given (null removes a value).</summary>
    public string Link(IReadOnlyDictionary<string, string?>? changes = null, string? after = null)
    {
        var query = Filter.ToQuery();
        query["totals"] = ByIdentifier ? "identifier" : null;
        foreach (var (key, value) in changes ?? new Dictionary<string, string?>())
        {
            query[key] = value;
        }

        query["after"] = after;
        return ListPaging.Link("/usage", query);
    }

    public string PeriodLabel(BillingPeriod period, Formatting format) =>
        l["{0} to {1}", format.Date(period.Start), format.Date(period.LastDay)];

    public static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string SafeBack(string? back) =>
        back is not null && back.StartsWith("/usage", StringComparison.Ordinal) && !back.StartsWith("//", StringComparison.Ordinal) && back.Length < 2000
            ? back
            : "/usage";

    /// <summary>The current URL (path and query), to come back to after a post.</summary>
    public string Here
    {
        get
        {
            var sb = new StringBuilder(Request.Path.Value);
            sb.Append(Request.QueryString.Value);
            return sb.ToString();
        }
    }
}
