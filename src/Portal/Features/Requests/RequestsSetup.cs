namespace Portal.Features.Requests;

public static class RequestsSetup
{
    /// <summary>The hub's mail (the pages are found by Razor Pages; each kind calls the hub itself).</summary>
    public static WebApplicationBuilder AddCustomerRequests(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<RequestMail>();
        return builder;
    }
}
