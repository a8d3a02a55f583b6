using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure.AccountScope;
using Portal.Infrastructure.Payments;
using Portal.Infrastructure.Payments.TestGateway;

namespace Portal.Features.TestGateway;

/// <summary>The test gateway's extra confirmation step (as 3-D Secure): confirm or refuse, then back to the portal.</summary>
[AllowAnonymous]
[WithoutAccountScope]
public sealed class AuthenticateModel(IPaymentGateway gateway, TestPaymentGateway test, PortalDb db) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Key { get; set; }

    [BindProperty(SupportsGet = true, Name = "return")]
    public string? ReturnUrl { get; set; }

    public TestGatewayCharge? Charge { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (gateway is not TestPaymentGateway || string.IsNullOrEmpty(Key) || Key.Length > 100)
        {
            return NotFound();
        }

        Charge = await db.TestGatewayCharges.AsNoTracking().FirstOrDefaultAsync(c => c.IdempotencyKey == Key, ct);
        return Charge is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostAsync(bool confirm, CancellationToken ct)
    {
        if (gateway is not TestPaymentGateway || string.IsNullOrEmpty(Key) || Key.Length > 100)
        {
            return NotFound();
        }

        await test.CompleteActionAsync(Key, confirm, ct);
        var back = ReturnUrl is { Length: > 0 } r && r.StartsWith('/') && !r.StartsWith("//", StringComparison.Ordinal) && !r.StartsWith("/\\", StringComparison.Ordinal) ? r : "/";
        return Redirect(back);
    }
}
