using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Infrastructure.Api;

/// <summary>
/// What the integration API's OpenAPI document says about itself, so that a client generator can use it as it
/// is: who publishes it and under which licence, the API key as an HTTP bearer scheme declared on every
/// operation that needs it (with the bare 401 it answers), a description for each tag, and the
/// configured public address as the server, without a trailing slash. Linted in the test command with Redocly's recommended rules
/// (tests/Portal.Tests/Features/Integration/OpenApiLintTests.cs).
/// </summary>
public static class ApiDocument
{
    public const string SecuritySchemeName = "apiKey";

    public static void Shape(OpenApiOptions options, string tag, string tagDescription)
    {
        options.AddDocumentTransformer((document, context, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Customer portal integration API",
                Version = "v1",
                Description = "How the billing system keeps the portal's accounts, documents, catalogue and usage up to date, "
                    + "reads what customers did in the portal, and subscribes to its events. Every call is authenticated with an "
                    + "API key made in the console, sent as `Authorization: Bearer <key>`, over HTTPS only.",
                License = new OpenApiLicense { Name = "AGPL-3.0-or-later", Identifier = "AGPL-3.0-or-later" },
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key made in the console (Settings, API keys), sent as a bearer token.",
            };
            // The configured public address (the one e-mails link to), never one made from a client's Host header;
            // without it (development) the request's own origin, as the framework writes it.
            var publicUrl = context.ApplicationServices.GetRequiredService<IConfiguration>()["Portal:PublicUrl"];
            document.Servers = string.IsNullOrWhiteSpace(publicUrl)
                ? document.Servers
                : [new OpenApiServer { Url = publicUrl }];
            foreach (var server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/');
            }

            document.Tags ??= new HashSet<OpenApiTag>();
            if (document.Tags.FirstOrDefault(t => t.Name == tag) is { } existing)
            {
                existing.Description = tagDescription;
            }
            else
            {
                document.Tags.Add(new OpenApiTag { Name = tag, Description = tagDescription });
            }

            return Task.CompletedTask;
        });

        // Per operation, from the endpoint's own metadata: an operation that allows anonymous callers declares no key.
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (!metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<IAllowAnonymous>().Any())
            {
                return Task.CompletedTask;
            }

            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, context.Document)] = [] });
            operation.Responses ??= [];
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "The API key is missing, unknown or revoked (no body)." });
            return Task.CompletedTask;
        });
    }
}
