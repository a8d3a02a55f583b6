using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;
using Portal.Resources;

namespace Portal.Features.Statements;

/// <summary>The statement of account for a range or as of one date, on screen; the PDF reads the same query.</summary>
[RequiresFeature(PortalFeature.Statements)]
[RequiresPermission(Permissions.SeeMoney)]
public sealed class IndexModel(PortalDb db, OperatorClock clock, IStringLocalizer<SharedResource> l) : PageModel
{
    public CurrentAccount Account => HttpContext.CurrentAccount();

    public StatementPeriod Period { get; private set; } = new();

    public Statement? Statement { get; private set; }

    public string? Refusal { get; private set; }

    public bool HasBilledChildren { get; private set; }

    /// <summary>The PDF lists every line: past <see cref="StatementBuilder.MaxLines"/> it is not offered.</summary>
    public bool PdfTooLong => Statement is { } s && s.TotalLines > StatementBuilder.MaxLines;

    /// <summary>This statement's page starting at <paramref name="key"/> (null: the first).</summary>
    public string PageLink(StatementKey? key) =>
        key is null ? Period.Link("/statements") : Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(Period.Link("/statements"), "after", key.Encode());

    public async Task OnGetAsync(CancellationToken ct)
    {
        var account = Account;
        var today = await clock.TodayAsync(ct);
        Period = StatementPeriod.Read(Request.Query, today, l);
        HasBilledChildren = await db.Accounts.AnyAsync(a => a.ParentAccountId == account.Id && a.BilledToParent, ct);
        if (!Period.IsValid)
        {
            foreach (var (field, message) in Period.Errors)
            {
                ModelState.AddModelError(field, message);
            }

            return;
        }

        // On screen a page of lines at a time, whatever the range holds; the key is the next page's first line.
        var paging = new StatementPaging(StatementBuilder.PageSize, StatementKey.Decode(Request.Query["after"]));
        var result = await StatementBuilder.BuildAsync(
            db, account.Id, Period.FromDate, Period.ToDate, Period.IsAsOf, Period.Children && HasBilledChildren, await clock.ZoneAsync(ct), ct, paging);
        switch (result)
        {
            case StatementResult.Ready ready:
                Statement = ready.Statement;
                break;
            case StatementResult.Refused refused:
                Refusal = StatementText.Refusal(refused, l);
                break;
        }
    }
}

/// <summary>How a statement line's kind reads.</summary>
public static class StatementText
{
    public static string Kind(StatementLineKind kind, IStringLocalizer l) => kind switch
    {
        StatementLineKind.Invoice => l["Invoice"],
        StatementLineKind.CreditMemo => l["Credit memo"],
        _ => l["Payment"],
    };

    public static string Refusal(StatementResult.Refused refused, IStringLocalizer l) => refused.Reason switch
    {
        StatementRefusal.MixedCurrencies => l["Account {0} is billed in another currency, so it cannot share a statement with this account. Open its own statement instead.", refused.Argument],
        _ => l["More than {0} documents fall in this range. Choose a shorter range.", refused.Argument],
    };
}
