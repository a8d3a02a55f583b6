using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Portal.Data;

namespace Portal.Features.Identity;

public static class IdentitySetup
{
    public const string StaffPolicy = "Staff";
    public const string CustomerPolicy = "Customer";
    public const string StaffClaim = "portal:staff";

    /// <summary>
    /// A signed-in page outside the console that staff use too (their own two-factor setup): it gets the
    /// signed-in requirement instead of the customer policy.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class AlsoForStaffAttribute : Attribute;

    /// <summary>ASP.NET Core Identity tuned to ASVS 5 level 2 (docs/security.md).</summary>
    public static WebApplicationBuilder AddPortalIdentity(this WebApplicationBuilder builder)
    {
        // ASVS 11.4.2: PBKDF2-HMAC-SHA512 at 210,000 iterations (Identity's v3 format is SHA-512).
        builder.Services.Configure<PasswordHasherOptions>(o => o.IterationCount = 210_000);

        builder.Services
            .AddIdentity<PortalUser, IdentityRole>(o =>
            {
                // ASVS 6.2.1/6.2.9: length, not composition rules. Common passwords are refused by a
                // validator added with the sign-up flows.
                o.Password.RequiredLength = 8;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.User.RequireUniqueEmail = true;
                o.SignIn.RequireConfirmedAccount = false;
                PortalDbOptions.ConfigureStores(o);
            })
            .AddEntityFrameworkStores<PortalDb>()
            .AddDefaultTokenProviders()
            .AddSignInManager<PortalSignInManager>()
            .AddClaimsPrincipalFactory<PortalClaimsFactory>();

        var secureCookies = builder.Configuration.GetValue("Security:SecureCookies", true);
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = secureCookies ? "__Host-portal" : "portal";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = secureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.Cookie.Path = "/";
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            // ASVS 7.3.1/7.3.2: 30 minutes idle, 12 hours absolute (enforced where sessions are stored).
            o.ExpireTimeSpan = TimeSpan.FromMinutes(30);
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = ctx => RedirectOrStatus(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx =>
            {
                // No redirect to a page of its own: the status goes through the error page. A customer on
                // the console meets a page that does not exist for them (404); staff on a customer page are
                // told what happened and sent to the console (the error page's 403 for staff).
                ctx.Response.StatusCode = ctx.Request.Path.StartsWithSegments("/admin") ? StatusCodes.Status404NotFound : StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(StaffPolicy, p => p.RequireAuthenticatedUser().RequireClaim(StaffClaim, "true"))
            // Staff reach customer pages only while viewing an account as its members do (read only).
            .AddPolicy(CustomerPolicy, p => p.RequireAuthenticatedUser().RequireAssertion(ctx =>
                !ctx.User.HasClaim(StaffClaim, "true") || ctx.User.HasClaim(c => c.Type == Infrastructure.AccountScope.ViewAs.Claim)));

        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = secureCookies ? "__Host-portal-af" : "portal-af";
            o.Cookie.SecurePolicy = secureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.HeaderName = "X-CSRF-TOKEN";
        });
        return builder;
    }

    // API callers get a status code, people get the login page.
    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api"))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}
