using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.About;

/// <summary>The AGPL's "appropriate legal notices" and where to get the source (section 13).</summary>
[AllowAnonymous]
[WithoutAccountScope]
public sealed class IndexModel(IConfiguration configuration) : PageModel
{
    public string? SourceUrl { get; private set; }

    public void OnGet() => SourceUrl = configuration["Portal:SourceUrl"];
}
