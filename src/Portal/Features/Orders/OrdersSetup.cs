using Portal.Features.Quotes;

namespace Portal.Features.Orders;

public static class OrdersSetup
{
    /// <summary>The order pad and the quote answers (the pages are found by Razor Pages).</summary>
    public static WebApplicationBuilder AddOrdersAndQuotes(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<OrderPadService>();
        builder.Services.AddScoped<QuoteService>();
        return builder;
    }
}
