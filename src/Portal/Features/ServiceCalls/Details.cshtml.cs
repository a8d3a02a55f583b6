using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Features.Requests;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.ServiceCalls;

/// <summary>One service call: its facts, the thread of comments from both sides and its files; comment on it or close it.</summary>
[RequiresFeature(PortalFeature.ServiceCalls)]
[RequiresPermission(Permissions.ServiceCalls)]
[RequestSizeLimit(RequestFiles.MaxFiles * RequestFiles.MaxBytes + 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = RequestFiles.MaxFiles * RequestFiles.MaxBytes + 1024 * 1024)]
public sealed class DetailsModel(PortalDb db, ServiceCallService calls) : PageModel
{
    [BindProperty]
    public string? Body { get; set; }

    [BindProperty]
    public List<IFormFile> Files { get; set; } = [];

    [TempData]
    public string? CallOpened { get; set; }

    public CallView Call { get; private set; } = null!;

    public RequestThread Thread { get; private set; } = RequestThread.Empty;

    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    public bool IsOpen => ServiceCall.IsOpenStatus(Call.Status);

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct) =>
        await LoadAsync(number, ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostCommentAsync(string number, CancellationToken ct) =>
        AnswerAsync(number, calls.CommentAsync(HttpContext.CurrentAccount(), UserId, number, Body, Files, ct), ct);

    public Task<IActionResult> OnPostCloseAsync(string number, CancellationToken ct) =>
        AnswerAsync(number, calls.CloseAsync(HttpContext.CurrentAccount(), UserId, number, ct), ct);

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var e) ? e : null;

    private string UserId => User.FindFirstValue(ClaimTypes.NameIdentifier)!;

    private async Task<IActionResult> AnswerAsync(string number, Task<ServiceCallService.Result> action, CancellationToken ct)
    {
        switch (await action)
        {
            case ServiceCallService.Result.Done:
                return Redirect("/service-calls/" + Uri.EscapeDataString(number) + "#thread-heading");
            case ServiceCallService.Result.Refused refused:
                Errors = refused.Errors;
                if (!await LoadAsync(number, ct))
                {
                    return NotFound();
                }

                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            default:
                return NotFound();
        }
    }

    private async Task<bool> LoadAsync(string number, CancellationToken ct)
    {
        var accountId = HttpContext.CurrentAccount().Id;
        var call = await db.ServiceCalls.AsNoTracking().Where(s => s.AccountId == accountId && s.Number == number)
            .Select(s => new CallView(s.Id, s.Number, s.Subject, s.Description, s.Equipment, s.Priority, s.Status, s.PreferredDate, s.ScheduledFor, s.OpenedAt))
            .FirstOrDefaultAsync(ct);
        if (call is null)
        {
            return false;
        }

        Call = call;
        Thread = await RequestThread.OfSubjectAsync(db, RequestKind.ServiceCall, call.Id, ct);
        return true;
    }

    public sealed record CallView(long Id, string Number, string Subject, string Description, string? Equipment, ServiceCallPriority Priority, ServiceCallStatus Status, DateOnly? PreferredDate, DateTime? ScheduledFor, DateTime OpenedAt);
}
