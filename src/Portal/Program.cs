using Portal.Data;
using Portal.Features.Catalog;
using Portal.Features.Contracts;
using Portal.Features.Identity;
using Portal.Features.Integration;
using Portal.Features.Licenses;
using Portal.Features.Operator;
using Portal.Features.Orders;
using Portal.Features.Quotes;
using Portal.Features.ServiceCalls;
using Portal.Features.Usage;
using Portal.Infrastructure;
using Portal.Infrastructure.Cli;

var builder = WebApplication.CreateBuilder(args);
builder.AddCommandLineLogging(args);
builder.AddPortalData();
builder.AddPortalIdentity();
builder.AddPortalWeb();
builder.AddIntegrationApi();

var app = builder.Build();
await app.MigrateAndSeedAsync();
if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(app, args);
}

app.UsePortalWeb();
app.MapBrandAssets();
app.MapCulturePicker();
var api = app.MapIntegrationApi();
api.MapBalanceEndpoint();
api.MapUsageApi();
api.MapCatalogApi();
api.MapContractsApi();
api.MapOrdersApi();
api.MapQuotesApi();
api.MapServiceCallsApi();
api.MapLicensesApi();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
