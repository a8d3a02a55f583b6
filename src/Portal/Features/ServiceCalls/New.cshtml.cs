using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Features.Requests;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.ServiceCalls;

/// <summary>Opens a service call: subject, description, equipment (from the account's contracts or typed), priority, preferred date, photos or PDFs.</summary>
[RequiresFeature(PortalFeature.ServiceCalls)]
[RequiresPermission(Permissions.ServiceCalls)]
[RequestSizeLimit(RequestFiles.MaxFiles * RequestFiles.MaxBytes + 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = RequestFiles.MaxFiles * RequestFiles.MaxBytes + 1024 * 1024)]
public sealed class NewModel(ServiceCallService calls, OperatorClock clock) : PageModel
{
    [BindProperty]
    public string? Subject { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public string? Equipment { get; set; }

    [BindProperty]
    public string? Priority { get; set; } = nameof(ServiceCallPriority.Normal);

    [BindProperty]
    public string? PreferredDate { get; set; }

    [BindProperty]
    public List<IFormFile> Files { get; set; } = [];

    public IReadOnlyList<string> EquipmentChoices { get; private set; } = [];

    public DateOnly Today { get; private set; }

    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await calls.OpenAsync(HttpContext.CurrentAccount(), User.FindFirstValue(ClaimTypes.NameIdentifier)!, new ServiceCallForm(Subject, Description, Equipment, Priority, PreferredDate), Files, ct);
        if (result is ServiceCallService.Result.Done done)
        {
            TempData["CallOpened"] = done.Number;
            return Redirect("/service-calls/" + Uri.EscapeDataString(done.Number));
        }

        Errors = ((ServiceCallService.Result.Refused)result).Errors;
        await LoadAsync(ct);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var e) ? e : null;

    private async Task LoadAsync(CancellationToken ct)
    {
        Today = await clock.TodayAsync(ct);
        EquipmentChoices = await calls.EquipmentChoicesAsync(HttpContext.CurrentAccount().Id, ct);
    }
}
