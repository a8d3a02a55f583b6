using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.Quotes;

/// <summary>"Request a quote": what is needed in words and/or catalogue products with quantities; sends quote.requested.</summary>
[RequiresFeature(PortalFeature.Quotes)]
[RequiresPermission(Permissions.Quote)]
public sealed class NewModel(QuoteService quotes) : PageModel
{
    public const int Rows = 5;

    [BindProperty]
    public string? Text { get; set; }

    [BindProperty]
    public List<RequestedLine> Lines { get; set; } = [];

    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    public void OnGet(string? code)
    {
        // "Ask for a quote" on the order pad names the product.
        Lines = [new RequestedLine(code, string.IsNullOrEmpty(code) ? null : "1")];
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var (number, errors) = await quotes.RequestAsync(HttpContext.CurrentAccount(), User.FindFirstValue(ClaimTypes.NameIdentifier)!, Text, Lines.Take(QuoteService.MaxRequestLines + 1).ToList(), ct);
        if (number is null)
        {
            Errors = errors;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        TempData["Answered"] = "requested";
        return Redirect("/quotes/" + Uri.EscapeDataString(number));
    }

    public RequestedLine LineAt(int i) => i < Lines.Count ? Lines[i] : new RequestedLine(null, null);

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var e) ? e : null;
}
