using Portal.Features.Quotes;
using Portal.Infrastructure.Workers;

namespace Portal.Features.Orders;

public static class OrdersSetup
{
    /// <summary>The order pad, the quote answers and the worker closing expired quote requests (the pages are found by Razor Pages).</summary>
    public static WebApplicationBuilder AddOrdersAndQuotes(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<OrderPadService>();
        builder.Services.AddScoped<QuoteService>();
        builder.Services.AddSingleton<QuoteExpiryWorker>();
        if (builder.Configuration.WorkersEnabled())
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<QuoteExpiryWorker>());
        }
        return builder;
    }
}
