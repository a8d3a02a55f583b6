using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Operator;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Accounts;

/// <summary>The searchable account picker: every account the user may act for, through the guard.</summary>
[WithoutAccountScope]
public sealed class IndexModel(AccountScope scope, Data.PortalDb db) : PageModel
{
    public const int Limit = 100;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public IReadOnlyList<AccountChoice> Accounts { get; private set; } = [];

    public bool More { get; private set; }

    public long? CurrentId { get; private set; }

    /// <summary>What the accounts the user may see money for owe together, per currency (two or more accounts).</summary>
    public CombinedBalance? Combined { get; private set; }

    public bool PaymentsOn => (HttpContext.Items[typeof(OperatorSettings)] as OperatorSettings)?.IsOn(PortalFeature.Payments) == true;

    public async Task OnGetAsync(CancellationToken ct)
    {
        CurrentId = (await scope.GetCurrentAsync(ct))?.Id;
        Combined = await UserAccounts.CombinedAsync(db, scope.UserId!, ct);
        var query = scope.Accessible(scope.UserId!);
        var q = Q?.Trim();
        if (!string.IsNullOrEmpty(q))
        {
            var pattern = "%" + q.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            query = query.Where(a => EF.Functions.Like(a.Name, pattern, "\\") || EF.Functions.Like(a.Number, pattern, "\\"));
        }

        var rows = await query
            .OrderBy(a => a.Name).ThenBy(a => a.Id)
            .Select(a => new AccountChoice(a.Id, a.Number, a.Name, a.BilledToParent, a.ParentAccount!.Name))
            .Take(Limit + 1)
            .AsNoTracking()
            .ToListAsync(ct);
        More = rows.Count > Limit;
        Accounts = rows.Take(Limit).ToList();
    }

    // returnUrl: where to go once switched (a search result in a child account); local paths only.
    public async Task<IActionResult> OnPostAsync(long accountId, string? returnUrl, CancellationToken ct) =>
        await scope.SwitchToAsync(accountId, ct) ? LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/") : NotFound();

    public sealed record AccountChoice(long Id, string Number, string Name, bool BilledToParent, string? ParentName);
}
