using Portal.Data;
using Portal.Features.Identity;
using Portal.Features.Operator;
using Portal.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddPortalData();
builder.AddPortalIdentity();
builder.AddPortalWeb();

var app = builder.Build();
await app.MigrateAndSeedAsync();
app.UsePortalWeb();
app.MapBrandAssets();
app.MapCulturePicker();
await app.RunAsync();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
