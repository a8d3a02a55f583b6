namespace Portal.Features.ServiceCalls;

public static class ServiceCallsSetup
{
    /// <summary>The portal side of service calls (the pages are found by Razor Pages).</summary>
    public static WebApplicationBuilder AddServiceCalls(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ServiceCallService>();
        return builder;
    }
}
