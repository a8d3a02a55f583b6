namespace Portal.Features.Usage;

public static class UsageIngestSetup
{
    /// <summary>The usage ingest behind <c>PUT /api/v1/usage</c> and the CSV import.</summary>
    public static WebApplicationBuilder AddUsageIngest(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<UsageIngest>();
        return builder;
    }
}
