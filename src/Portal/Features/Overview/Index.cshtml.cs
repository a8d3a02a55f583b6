using Microsoft.AspNetCore.Mvc.RazorPages;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Overview;

public sealed class IndexModel : PageModel
{
    public CurrentAccount Account => HttpContext.CurrentAccount();

    public void OnGet()
    {
    }
}
