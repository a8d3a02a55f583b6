using Microsoft.AspNetCore.Mvc.RazorPages;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Accounts;

[WithoutAccountScope]
public sealed class NoAccessModel : PageModel
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
