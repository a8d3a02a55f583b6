using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Activity;
using Portal.Infrastructure.Pdf;
using Portal.Resources;

namespace Portal.Features.Statements;

/// <summary>The statement PDF for the same query as the page; bad dates get the page with its field errors.</summary>
[RequiresFeature(PortalFeature.Statements)]
[RequiresPermission(Permissions.SeeMoney)]
public sealed class PdfModel(
    PortalDb db, OperatorSettingsCache settings, OperatorClock clock, ActivityLog activity, IStringLocalizer<SharedResource> l) : PageModel
{
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var account = HttpContext.CurrentAccount();
        var period = StatementPeriod.Read(Request.Query, await clock.TodayAsync(ct), l);
        if (!period.IsValid)
        {
            return Redirect(Request.QueryString.HasValue ? "/statements" + Request.QueryString.Value : "/statements");
        }

        var result = await StatementBuilder.BuildAsync(
            db, account.Id, period.FromDate, period.ToDate, period.IsAsOf, period.Children, await clock.ZoneAsync(ct), ct);
        if (result is not StatementResult.Ready ready)
        {
            return Redirect("/statements" + Request.QueryString.Value);
        }

        var bytes = StatementPdf.Render(ready.Statement, account.Number, account.Name, await settings.GetAsync(ct), l, CultureInfo.CurrentCulture);
        var name = period.IsAsOf
            ? $"statement-{account.Number}-{period.ToDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.pdf"
            : $"statement-{account.Number}-{period.FromDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}-{period.ToDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.pdf";
        return await this.RecordedPdfFileAsync(db, activity, account.Id, "statement.downloaded", period.Link("/statements"), bytes, name, ct);
    }
}
