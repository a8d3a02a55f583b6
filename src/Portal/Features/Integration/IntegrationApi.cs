using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Portal.Features.Accounts;
using Portal.Features.CallOffs;
using Portal.Features.Catalog;
using Portal.Features.Contracts;
using Portal.Features.Credits;
using Portal.Features.Disputes;
using Portal.Features.Invitations;
using Portal.Features.Invoices;
using Portal.Features.Licenses;
using Portal.Features.Orders;
using Portal.Features.Payments;
using Portal.Features.Quotes;
using Portal.Features.ServiceCalls;
using Portal.Features.Usage;
using Portal.Features.Webhooks;
using Portal.Infrastructure.Api;

namespace Portal.Features.Integration;

/// <summary>The integration API's wiring: the API-key scheme, its policy, the OpenAPI document and the /api/v1 group.</summary>
public static class IntegrationApi
{
    public const string Policy = "IntegrationApi";

    private const string Tag = "Integration";

    public static WebApplicationBuilder AddIntegrationApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        builder.Services.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            ApiDocument.Shape(o, Tag, "Everything the billing system sends to and reads from the portal.");
        });
        // Enums travel as camelCase names ("credit", "bankAccount"), never as numbers, in both directions
        // and in the OpenAPI document, so a client sees the allowed values; a key sent twice is refused.
        builder.Services.AddApiJson();
        return builder;
    }

    /// <summary>The OpenAPI document and every /api/v1 endpoint, each area's endpoints mapped by its own feature.</summary>
    public static RouteGroupBuilder MapIntegrationApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        // Any error the framework answers without a body (an unknown route, a wrong method, a body it
        // could not bind or too large) becomes RFC 9457 ProblemDetails; a refused key is one already.
        var maxBody = app.Configuration.GetValue("IntegrationApi:MaxRequestBodyBytes", ApiTransport.DefaultMaxRequestBodyBytes);
        app.UseWhen(ctx => ctx.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages().UseApiTransport(maxBody));
        var group = app.MapGroup("/api/v1")
            .RequireAuthorization(new AuthorizeAttribute { Policy = Policy, AuthenticationSchemes = ApiKeyAuthenticationHandler.SchemeName })
            .DisableAntiforgery()
            .WithTags(Tag);
        group.MapBalanceEndpoint();
        group.MapAccountsApi();
        group.MapInvoicesApi();
        group.MapCreditsApi();
        group.MapPaymentsApi();
        group.MapInvitationsApi();
        group.MapUsageApi();
        group.MapCatalogApi();
        group.MapContractsApi();
        group.MapOrdersApi();
        group.MapQuotesApi();
        group.MapServiceCallsApi();
        group.MapDisputesApi();
        group.MapLicensesApi();
        group.MapCallOffsApi();
        group.MapWebhooksApi();
        return group;
    }
}
