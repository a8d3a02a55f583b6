using Microsoft.Extensions.Options;
using Stripe;

namespace Portal.Infrastructure.Payments.Stripe;

public static class StripeSetup
{
    /// <summary>True when configuration chooses Stripe (<c>Payments:Gateway=Stripe</c>).</summary>
    public static bool IsChosen(IConfiguration configuration) =>
        string.Equals(configuration["Payments:Gateway"], StripeGateway.GatewayName, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The Stripe adapter as the portal's gateway. The secret key is required at start (a portal that
    /// cannot charge should not come up looking as if it could); the API base URL is Stripe's unless set.
    /// </summary>
    public static IServiceCollection AddStripeGateway(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Payments:Stripe");
        if (string.IsNullOrWhiteSpace(section["SecretKey"]))
        {
            throw new InvalidOperationException("Payments:Gateway is 'Stripe' but Payments:Stripe:SecretKey is not set.");
        }

        services.AddOptions<StripeOptions>().Bind(section);
        services.AddHttpContextAccessor();
        services.AddSingleton<IStripeClient>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StripeOptions>>().Value;
            var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = options.Timeout };
            return new StripeClient(new StripeClientOptions
            {
                ApiKey = options.SecretKey,
                ApiBase = string.IsNullOrWhiteSpace(options.ApiBase) ? null : options.ApiBase.TrimEnd('/'),
                HttpClient = new SystemNetHttpClient(http, options.MaxNetworkRetries),
            });
        });
        services.AddSingleton<StripeGateway>();
        services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<StripeGateway>());
        return services;
    }
}
