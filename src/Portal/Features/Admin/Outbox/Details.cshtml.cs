using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure.Email;

namespace Portal.Features.Admin.Outbox;

/// <summary>One e-mail of the outbox with its text body (the HTML part is not rendered in the console).</summary>
public sealed class DetailsModel(PortalDb db, TimeProvider time) : PageModel
{
    public EmailMessage Message { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var message = await db.EmailMessages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (message is null)
        {
            return NotFound();
        }

        Message = message;
        return Page();
    }

    public async Task<IActionResult> OnPostRetryAsync(long id, CancellationToken ct)
    {
        await IndexModel.RetryNowAsync(db, id, time.GetUtcNow().UtcDateTime, ct);
        return RedirectToPage(new { id });
    }
}
