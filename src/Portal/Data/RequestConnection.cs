using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Portal.Data;

/// <summary>
/// One database connection for the whole of a page request. EF opens and closes the connection around
/// each query by default; a page runs several (the account guard, the figures, the lists, the layout),
/// and each open and close of a pooled connection costs a pool lock, a reset of the connection's
/// functions and, on SQLite, more than the query itself for the small ones (issue 16). Opened after
/// authentication and authorization, so a request that is turned away never takes one; closed when the
/// request's DbContext is disposed.
/// </summary>
public static class RequestConnection
{
    public static IApplicationBuilder UseRequestConnection(this IApplicationBuilder app) =>
        app.Use(async (ctx, next) =>
        {
            if (ctx.GetEndpoint()?.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            {
                await ctx.RequestServices.GetRequiredService<PortalDb>().Database.OpenConnectionAsync(ctx.RequestAborted);
            }

            await next();
        });
}
