using Portal.Data;
using Portal.Features.Admin.Audit;
using Portal.Features.Admin.Staff;
using Portal.Features.Autopay;
using Portal.Features.Contracts;
using Portal.Features.Disputes;
using Portal.Features.Identity;
using Portal.Features.Integration;
using Portal.Features.Ledger;
using Portal.Features.Operator;
using Portal.Features.Orders;
using Portal.Features.Passkeys;
using Portal.Features.Payments;
using Portal.Features.Requests;
using Portal.Features.ServiceCalls;
using Portal.Features.Sessions;
using Portal.Features.Settings;
using Portal.Features.Statements;
using Portal.Features.TwoFactor;
using Portal.Features.Usage;
using Portal.Features.Users;
using Portal.Features.Webhooks;
using Portal.Infrastructure;
using Portal.Infrastructure.Cli;
using Portal.Infrastructure.Email;
using Portal.Infrastructure.Security;
using Portal.Infrastructure.Telemetry;

var builder = WebApplication.CreateBuilder(args);
builder.AddCommandLineLogging(args);
builder.AddPortalData();
builder.AddPortalIdentity();
builder.AddServerSideSessions();
builder.AddTwoFactor();
builder.AddPasskeys();
builder.AddAccountSettings();
builder.AddPortalAuthFlows();
builder.AddPortalWeb();
builder.AddPortalRateLimits();
builder.AddIntegrationApi();
builder.AddIntegrationEvents();
builder.AddEmailSender();
builder.AddLedger();
builder.AddPortalTelemetry();
builder.AddPayments();
builder.AddAutopay();
builder.AddOrdersAndQuotes();
builder.AddContracts();
builder.AddUsage();
builder.AddAccountUsers();
builder.AddStaffAudit();
builder.AddCustomerRequests();
builder.AddServiceCalls();
builder.AddDisputes();
builder.AddStaffAdministration();
builder.AddStatementMail();

var app = builder.Build();
await app.MigrateAndSeedAsync();
if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(app, args);
}

app.UsePortalWeb();
app.MapBrandAssets();
app.MapCulturePicker();
app.MapPasskeys();
app.MapIntegrationApi();
app.MapStripeWebhook();
app.MapPortalTelemetry();
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
