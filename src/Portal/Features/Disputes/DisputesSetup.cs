namespace Portal.Features.Disputes;

public static class DisputesSetup
{
    /// <summary>Invoice disputes (the pages are found by Razor Pages; the API is mapped with the integration API).</summary>
    public static WebApplicationBuilder AddDisputes(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<DisputeService>();
        return builder;
    }
}
