using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Portal.Features.Identity;

namespace Portal.Features.Passkeys;

/// <summary>
/// The two JSON endpoints the browser calls before navigator.credentials.create/get (wwwroot/js/passkeys.js).
/// The challenge state travels in Identity's own protected, single-use cookie; the credential comes
/// back through an ordinary form post (Settings/Passkeys, Identity/LoginPasskey).
/// </summary>
public static class PasskeyEndpoints
{
    public const int MaxPasskeysPerUser = 20;

    public static IEndpointRouteBuilder MapPasskeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/passkeys").ExcludeFromDescription();

        group.MapPost("/creation-options", async (HttpContext http, UserManager<PortalUser> users, SignInManager<PortalUser> signIn, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.BadRequest();
            }

            var user = await users.GetUserAsync(http.User);
            if (user is null)
            {
                return Results.Unauthorized();
            }

            var name = user.Email ?? user.UserName ?? user.Id;
            var json = await signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity
            {
                Id = user.Id,
                Name = name,
                DisplayName = user.DisplayName ?? name,
            });
            return Results.Content(json, "application/json");
        }).RequireAuthorization();

        group.MapPost("/request-options", async (HttpContext http, SignInManager<PortalUser> signIn, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.BadRequest();
            }

            // No user named: the authenticator offers the discoverable passkeys it holds for this site.
            var json = await signIn.MakePasskeyRequestOptionsAsync(null);
            return Results.Content(json, "application/json");
        }).AllowAnonymous();

        return app;
    }

    /// <summary>WebAuthn settings: discoverable credentials (sign in without typing a name), user verification required.</summary>
    public static WebApplicationBuilder AddPasskeys(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<IdentityPasskeyOptions>(o =>
        {
            o.ResidentKeyRequirement = "required";
            o.UserVerificationRequirement = "required";
        });
        return builder;
    }
}
