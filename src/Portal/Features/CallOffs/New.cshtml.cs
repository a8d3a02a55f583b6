using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Portal.Features.Accounts;
using Portal.Features.Operator;
using Portal.Infrastructure;
using Portal.Infrastructure.AccountScope;

namespace Portal.Features.CallOffs;

/// <summary>
/// Call items off rent, in three steps without script: the items chosen on /items-out with their
/// quantities and the pickup details (GET), a review of it all (POST Review), and sending (POST Send).
/// Every step checks against what is on rent now; sending checks again inside the transaction.
/// </summary>
[RequiresFeature(PortalFeature.Contracts)]
[RequiresPermission(Permissions.Order)]
public sealed class NewModel(CallOffService calloffs, OperatorClock clock) : PageModel
{
    [BindProperty]
    public CallOffForm Form { get; set; } = new();

    public CurrentAccount Account => HttpContext.CurrentAccount();

    /// <summary>The chosen items, by id, as they are now.</summary>
    public Dictionary<long, CallOffItem> Items { get; private set; } = [];

    public CheckedCallOff? Review { get; private set; }

    public DateOnly Today { get; private set; }

    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "item")] long[]? item, CancellationToken ct)
    {
        var chosen = await calloffs.ItemsAsync(Account.Id, item ?? [], ct);
        Items = chosen.ToDictionary(i => i.Id);
        Form.Lines = chosen.Where(i => i.Available > 0).Select(i => new CallOffFormLine { ItemId = i.Id, Quantity = Format(i.Available) }).ToList();
        Today = await clock.TodayAsync(ct);
        Form.PickupDate = Formatting.Iso(Today.AddDays(1));
        return Page();
    }

    public async Task<IActionResult> OnPostReviewAsync(CancellationToken ct)
    {
        var (checkedCallOff, errors) = await calloffs.CheckAsync(Account, Form, ct);
        return await ShowAsync(checkedCallOff, errors, ct);
    }

    /// <summary>Back from the review to the form, with what was entered.</summary>
    public Task<IActionResult> OnPostEditAsync(CancellationToken ct) => ShowAsync(null, new Dictionary<string, string>(), ct);

    public async Task<IActionResult> OnPostSendAsync(CancellationToken ct)
    {
        var result = await calloffs.SendAsync(Account, User.FindFirstValue(ClaimTypes.NameIdentifier)!, Form, ct);
        switch (result)
        {
            case CallOffResult.Sent sent:
                TempData["CallOffSent"] = sent.Number;
                return Redirect("/calloffs/" + Uri.EscapeDataString(sent.Number));
            case CallOffResult.Refused refused:
                return await ShowAsync(null, refused.Errors, ct);
            default:
                throw new InvalidOperationException(result.GetType().Name);
        }
    }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var e) ? e : null;

    private async Task<IActionResult> ShowAsync(CheckedCallOff? review, IReadOnlyDictionary<string, string> errors, CancellationToken ct)
    {
        Items = (await calloffs.ItemsAsync(Account.Id, Form.Lines.Select(x => x.ItemId), ct)).ToDictionary(i => i.Id);
        Today = await clock.TodayAsync(ct);
        Review = review;
        Errors = errors;
        if (errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }

    private static string Format(decimal quantity) => quantity.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
}
