using Portal.Data;

namespace Portal.Features.Catalog;

/// <summary>Where a product's price for an account comes from.</summary>
public enum PriceSource
{
    /// <summary>No price in the account's currency: the product can be asked about in a quote, not ordered.</summary>
    None = 0,
    List = 1,
    Customer = 2,
}

/// <summary>A catalogue product as one account sees it, with the price it pays today.</summary>
public sealed record PricedProduct(long Id, string Code, string Name, string? Category, string Unit, bool Active, decimal? CustomerPrice, decimal? ListPrice)
{
    /// <summary>The customer price wins over the list price.</summary>
    public decimal? UnitPrice => CustomerPrice ?? ListPrice;

    public PriceSource Source => CustomerPrice is not null ? PriceSource.Customer : ListPrice is not null ? PriceSource.List : PriceSource.None;
}

/// <summary>
/// The one place that prices the catalogue for an account: the customer price valid today (in the
/// operator's calendar) in the account's currency, else the list price when the product is listed in
/// that currency, else none. The order pad, its review and the submitted order all read prices here,
/// on the server; a price in a form is never read.
/// </summary>
public static class AccountPrices
{
    public static IQueryable<PricedProduct> Query(PortalDb db, IQueryable<Product> products, long accountId, string currency, DateOnly today) =>
        products.Select(p => new PricedProduct(
            p.Id, p.Code, p.Name, p.Category, p.Unit, p.Active,
            db.CustomerPrices
                .Where(c => c.AccountId == accountId && c.ProductId == p.Id && c.Currency == currency
                    && (c.ValidFrom == null || c.ValidFrom <= today) && (c.ValidTo == null || c.ValidTo >= today))
                .Select(c => (decimal?)c.UnitPrice)
                .FirstOrDefault(),
            p.Currency == currency ? p.ListPrice : null));
}

/// <summary>Which units are counted in whole numbers (a pump, a day) and which are measured (fuel, hours).</summary>
public static class Units
{
    private static readonly HashSet<string> Measured = new(StringComparer.OrdinalIgnoreCase)
    {
        "gal", "gallon", "l", "liter", "litre", "kg", "lb", "t", "ton", "tonne", "m", "m2", "m3", "ft", "yd", "yd3", "hour", "hr", "h", "km", "mi",
    };

    public static bool IsWhole(string? unit) => unit is null || !Measured.Contains(unit.Trim());
}
