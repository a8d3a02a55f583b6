using Portal.Infrastructure.Payments;
using Portal.Infrastructure.Payments.Stripe;
using Portal.Infrastructure.Payments.TestGateway;
using Portal.Infrastructure.Workers;

namespace Portal.Features.Payments;

public static class PaymentsSetup
{
    /// <summary>
    /// The gateway chosen by <c>Payments:Gateway</c> (<c>Test</c>, the offline default, or <c>Stripe</c>), payment attempts,
    /// the one outcome recorder and the reconciliation worker.
    /// </summary>
    public static WebApplicationBuilder AddPayments(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var gateway = configuration["Payments:Gateway"] ?? TestPaymentGateway.GatewayName;
        // The test gateway's pages ask for it by type; with another gateway live they answer 404.
        services.AddOptions<TestGatewayOptions>().Bind(configuration.GetSection("Payments:Test"));
        services.AddSingleton<TestPaymentGateway>();
        if (StripeSetup.IsChosen(configuration))
        {
            services.AddStripeGateway(configuration);
        }
        else if (string.Equals(gateway, TestPaymentGateway.GatewayName, StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<TestPaymentGateway>());
        }
        else
        {
            throw new InvalidOperationException($"Payments:Gateway '{gateway}' is not available; use 'Test' or 'Stripe'.");
        }

        services.AddOptions<ReconcilerOptions>().Bind(configuration.GetSection("Payments:Reconciler"));
        services.AddWorkerOptions(configuration);
        services.AddScoped<PaymentMail>();
        services.AddScoped<PaymentOutcomes>();
        services.AddScoped<PaymentAttempts>();
        services.AddSingleton<PaymentReconciler>();
        if (configuration.WorkersEnabled())
        {
            services.AddHostedService(sp => sp.GetRequiredService<PaymentReconciler>());
        }

        return builder;
    }
}
