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

    // Re-executed with the failed request's method: the error page answers those too.
    public void OnPut(int? status) => Describe(status);

    public void OnPatch(int? status) => Describe(status);

    public void OnDelete(int? status) => Describe(status);

    // A re-executed OPTIONS (a customer asking about a console page) keeps its error status too.
    public void OnOptions(int? status) => Describe(status);

    private void Describe(int? status)
    {
        // No status: the exception handler's re-execution (a 500), or someone opening /error by hand (nothing there).
        var failure = HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerPathFeature>();
        var outage = Infrastructure.Health.DatabaseOutage.Is(failure?.Error);
        var code = status ?? (outage ? StatusCodes.Status503ServiceUnavailable : failure is not null ? StatusCodes.Status500InternalServerError : StatusCodes.Status404NotFound);
        if (outage)
        {
            Response.Headers.RetryAfter = Infrastructure.Health.DatabaseOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        Response.StatusCode = code;
        var consolePage = HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>()?.OriginalPath
            .StartsWith("/admin", StringComparison.OrdinalIgnoreCase) == true;
        (Title, Message) = code switch
        {
            StatusCodes.Status403Forbidden when HttpContext.ViewAsGrant() is not null && !consolePage => (l["Read only"].Value, l["You are viewing this account as staff: nothing can be changed. End the view to go back to the console."].Value),
            StatusCodes.Status403Forbidden when IsStaff && consolePage => (l["Not allowed"].Value, l["Your staff role does not allow this. Ask a portal administrator."].Value),
            StatusCodes.Status404NotFound => (l["Page not found"].Value, l["We could not find that page. It may have moved, or it belongs to an account you cannot see."].Value),
            StatusCodes.Status403Forbidden when IsStaff => (l["Not allowed"].Value, l["This page is for customers. Staff see customer accounts from the console."].Value),
            StatusCodes.Status403Forbidden => (l["Not allowed"].Value, l["Your user does not have permission for this page. Ask a user administrator at your company."].Value),
            StatusCodes.Status400BadRequest or StatusCodes.Status405MethodNotAllowed or StatusCodes.Status415UnsupportedMediaType or StatusCodes.Status413PayloadTooLarge => (l["Something was not right"].Value, l["The request could not be understood. Go back and try again."].Value),
            StatusCodes.Status429TooManyRequests => (l["Too many attempts"].Value, l["Please wait a moment and try again."].Value),
            StatusCodes.Status503ServiceUnavailable => (l["Briefly unavailable"].Value, l["We cannot reach our records at the moment. Nothing was changed. Please try again in a minute."].Value),
            _ => (l["Something went wrong"].Value, l["We could not complete that. Nothing was changed. Please try again in a moment."].Value),
        };
        if (code >= 500)
        {
            RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        }
    }
}
