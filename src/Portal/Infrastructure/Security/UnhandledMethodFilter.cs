using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Portal.Infrastructure.Security;

/// <summary>
/// A request whose method no handler of the page takes (a POST to a page with only OnGet, a PUT) is
/// answered 405 with <c>Allow</c>; an OPTIONS request gets 204 with <c>Allow</c>. Razor Pages would otherwise render the view without
/// running any handler, with an empty model, and the view would throw.
/// </summary>
internal sealed class UnhandledMethodFilter : IAsyncPageFilter, IOrderedFilter
{
    // Before every other page filter (the account scope guard loads data the answer does not need).
    public int Order => int.MinValue;

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        var method = http.Request.Method;
        var handlers = context.ActionDescriptor.HandlerMethods;
        var readOnly = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        // The error page re-executes with the failed request's method: it answers every method itself.
        var reExecuted = http.Features.Get<IStatusCodeReExecuteFeature>() is not null || http.Features.Get<IExceptionHandlerPathFeature>() is not null;
        if (context.HandlerMethod is not null || reExecuted || (handlers.Count == 0 && readOnly))
        {
            return next();
        }

        var allowed = handlers.Count == 0
            ? ["GET", "HEAD"]
            : handlers.Select(h => h.HttpMethod.ToUpperInvariant()).SelectMany(m => m == "GET" ? new[] { "GET", "HEAD" } : [m]).Distinct().ToArray();
        http.Response.Headers.Allow = string.Join(", ", allowed);
        // OPTIONS asks which methods there are: the Allow header is the answer.
        context.Result = new StatusCodeResult(HttpMethods.IsOptions(method) ? StatusCodes.Status204NoContent : StatusCodes.Status405MethodNotAllowed);
        return Task.CompletedTask;
    }
}
