using System.Diagnostics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Portal.Infrastructure.AccountScope;
using Portal.Resources;

namespace Portal.Features.Errors;

/// <summary>What a person sees for a 404, a 403 or an unexpected failure: a plain page, never a stack trace.</summary>
[AllowAnonymous]
[WithoutAccountScope]
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel(IStringLocalizer<SharedResource> l) : PageModel
{
    public string Title { get; private set; } = "";

    public string Message { get; private set; } = "";

    public string? RequestId { get; private set; }

    /// <summary>Operator staff are sent back to the console, not to a customer overview they cannot open.</summary>
    public bool IsStaff => User.HasClaim(Identity.IdentitySetup.StaffClaim, "true");

    public void OnGet(int? status) => Describe(status);

    public void OnPost(int? status) => Describe(status);

    private void Describe(int? status)
    {
        var code = status ?? StatusCodes.Status500InternalServerError;
        Response.StatusCode = code;
        (Title, Message) = code switch
        {
            StatusCodes.Status404NotFound => (l["Page not found"].Value, l["We could not find that page. It may have moved, or it belongs to an account you cannot see."].Value),
            StatusCodes.Status403Forbidden when IsStaff => (l["Not allowed"].Value, l["This page is for customers. Staff see customer accounts from the console."].Value),
            StatusCodes.Status403Forbidden => (l["Not allowed"].Value, l["Your user does not have permission for this page. Ask a user administrator at your company."].Value),
            StatusCodes.Status400BadRequest => (l["Something was not right"].Value, l["The request could not be understood. Go back and try again."].Value),
            StatusCodes.Status429TooManyRequests => (l["Too many attempts"].Value, l["Please wait a moment and try again."].Value),
            _ => (l["Something went wrong"].Value, l["We could not complete that. Nothing was changed. Please try again in a moment."].Value),
        };
        if (code >= 500)
        {
            RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        }
    }
}
