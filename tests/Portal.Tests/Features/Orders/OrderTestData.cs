using System.Text.RegularExpressions;
using Portal.Features.Catalog;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Orders;

public static partial class OrderTestData
{
    /// <summary>A product of its own (unique code), saved; list price in the given currency.</summary>
    public static async Task<Product> NewProductAsync(PortalFactory portal, decimal listPrice, string unit = "each", string currency = "USD", bool active = true, string? name = null)
    {
        var code = "T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var product = new Product
        {
            Code = code,
            Name = name ?? "Test product " + code,
            Category = "Test",
            Unit = unit,
            ListPrice = listPrice,
            Currency = currency,
            Active = active,
            UpdatedAt = DateTime.UtcNow,
        };
        await portal.WithDbAsync(async db =>
        {
            db.Products.Add(product);
            await db.SaveChangesAsync();
        });
        return product;
    }

    public static Task SetCustomerPriceAsync(PortalFactory portal, long accountId, long productId, decimal price, DateOnly? from = null, DateOnly? to = null) =>
        portal.WithDbAsync(async db =>
        {
            db.CustomerPrices.Add(new CustomerPrice { AccountId = accountId, ProductId = productId, UnitPrice = price, Currency = "USD", ValidFrom = from, ValidTo = to, UpdatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        });

    public static async Task<HttpResponseMessage> AddAsync(HttpClient client, string code, string quantity, IDictionary<string, string>? extra = null)
    {
        var fields = new Dictionary<string, string> { ["code"] = code, ["quantity"] = quantity };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
        {
            fields[k] = v;
        }

        return await PortalFactory.PostFormAsync(client, "/orders/new?handler=Add", fields, "/orders/new");
    }

    /// <summary>The review page's pad key and antiforgery token.</summary>
    public static async Task<(string Key, string Token)> ReviewFormAsync(HttpClient client)
    {
        var html = await client.GetStringAsync("/orders/new/review");
        var key = KeyField().Match(html);
        Assert.True(key.Success, "The review page has no pad key:\n" + html[..Math.Min(html.Length, 2000)]);
        var token = await PortalFactory.GetAntiforgeryTokenAsync(client, "/orders/new/review");
        return (key.Groups[1].Value, token);
    }

    public static Task<HttpResponseMessage> SubmitAsync(HttpClient client, string key, string token, IDictionary<string, string>? extra = null)
    {
        var fields = new Dictionary<string, string> { ["key"] = key, ["__RequestVerificationToken"] = token };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
        {
            fields[k] = v;
        }

        return client.PostAsync("/orders/new/review?handler=Submit", new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"key\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex KeyField();
}
