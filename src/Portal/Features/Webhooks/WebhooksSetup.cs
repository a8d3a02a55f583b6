using Microsoft.Extensions.Options;
using Portal.Features.Events;
using Portal.Infrastructure.Workers;

namespace Portal.Features.Webhooks;

/// <summary>Events out: webhook subscriptions, the dispatcher, and polling.</summary>
public static class WebhooksSetup
{
    /// <summary>
    /// The webhook dispatcher (a background worker unless <c>Workers:Enabled</c> is false; always
    /// resolvable so tests can run it by hand), its HTTP client and settings (section <c>Webhooks</c>).
    /// </summary>
    public static WebApplicationBuilder AddIntegrationEvents(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var allowHttpLoopback = builder.Environment.IsDevelopment() || builder.Environment.IsEnvironment("Testing");
        services.AddOptions<WebhookOptions>()
            .Configure(o => o.AllowHttpLoopback = allowHttpLoopback)
            .Bind(builder.Configuration.GetSection("Webhooks"));
        services.AddWorkerOptions(builder.Configuration);
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookAddressGuard>();
        services.AddHttpClient(WebhookOptions.HttpClientName, (sp, client) =>
            {
                client.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("CustomerPortal-Webhooks/1.0");
            })
            // A receiver answers; it does not send the signed event on to somewhere else. Every connection
            // goes through the address guard, which connects only to the public addresses it checked; no
            // proxy from the environment, so that the guard sees the receiver's own host.
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectCallback = sp.GetRequiredService<WebhookAddressGuard>().ConnectAsync,
            });
        services.AddSingleton<WebhookDispatcher>();
        if (builder.Configuration.WorkersEnabled())
        {
            services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        }

        return builder;
    }

    /// <summary><c>/api/v1/webhooks</c> and <c>/api/v1/events</c>.</summary>
    public static RouteGroupBuilder MapWebhooksApi(this RouteGroupBuilder api) =>
        api.MapWebhookEndpoints().MapEventsEndpoint();
}
