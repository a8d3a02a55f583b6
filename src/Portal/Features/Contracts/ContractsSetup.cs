using Portal.Features.CallOffs;

namespace Portal.Features.Contracts;

public static class ContractsSetup
{
    /// <summary>Rentals: the call-off service (the contract, items-out and call-off pages are found by Razor Pages).</summary>
    public static WebApplicationBuilder AddContracts(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<CallOffService>();
        return builder;
    }
}
