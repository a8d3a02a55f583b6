using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Features.Integration;

/// <summary>
/// <c>Authorization: Bearer KEY</c> for the integration API. Anything else is a bare 401: no hint of
/// whether the key exists, was revoked or was malformed.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    PortalDb db,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string KeyIdClaim = "portal:api-key";

    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private static readonly Func<PortalDb, string, Task<ApiKey?>> FindByPrefix =
        EF.CompileAsyncQuery((PortalDb db, string prefix) => db.Set<ApiKey>().FirstOrDefault(k => k.Prefix == prefix && k.RevokedAt == null));

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // Exactly one Authorization header with the Bearer scheme (any case, RFC 9110); several headers,
        // other schemes and an empty one are all just "no valid key".
        var headers = Request.Headers.Authorization;
        if (headers.Count != 1 || headers[0] is not { } header || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var presented = header["Bearer ".Length..].Trim();
        var prefix = ApiKey.PrefixOf(presented);
        if (prefix is null || presented.Length > 200)
        {
            return AuthenticateResult.Fail("Invalid key.");
        }

        var key = await FindByPrefix(db, prefix);
        if (key is null || !key.Matches(presented))
        {
            return AuthenticateResult.Fail("Invalid key.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (key.LastUsedAt is null || now - key.LastUsedAt.Value > LastUsedResolution)
        {
            await db.Set<ApiKey>().Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, key.Name), new Claim(KeyIdClaim, key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        // One problem body whatever was wrong with the header: no hint of whether a key exists.
        return Results.Problem(
            title: "Unauthorized",
            detail: "Send a valid API key as 'Authorization: Bearer <key>'.",
            statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Results.Problem(title: "Forbidden", statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(Context);
}
