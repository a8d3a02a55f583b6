using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Portal.Features.Sessions;

public static class SessionSetup
{
    /// <summary>Server-side sessions for the signed-in cookie (docs/security.md, V7).</summary>
    public static WebApplicationBuilder AddServerSideSessions(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SessionTicketStore>();
        builder.Services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>, UseSessionStore>();
        return builder;
    }
}
