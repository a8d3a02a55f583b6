using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Integration;

namespace Portal.Features.Catalog;

/// <summary>Products and customer-specific prices: <c>PUT /api/v1/products/{code}</c>, <c>PUT /api/v1/accounts/{externalId}/prices/{productCode}</c>.</summary>
public static class CatalogApi
{
    public sealed record ProductInput(string? Name, string? Description, string? Category, string? Unit, decimal? ListPrice, string? Currency, bool? Active);

    public sealed record ProductResponse(string Code, string Name, string? Description, string? Category, string Unit, decimal ListPrice, string Currency, bool Active);

    public sealed record PriceInput(decimal? UnitPrice, string? Currency, DateOnly? ValidFrom, DateOnly? ValidTo);

    public sealed record PriceResponse(string Account, string ProductCode, decimal UnitPrice, string Currency, DateOnly? ValidFrom, DateOnly? ValidTo);

    public static RouteGroupBuilder MapCatalogApi(this RouteGroupBuilder api)
    {
        api.MapPut("/products/{code}", async (string code, ProductInput input, PortalDb db, TimeProvider time, CancellationToken ct) =>
                (await UpsertProductAsync(db, time, code, input, ct)).ToHttp($"/api/v1/products/{Uri.EscapeDataString(code)}"))
            .WithName("UpsertProduct").WithSummary("Creates or updates a product of the order-pad catalogue.").ProducesUpsertProblems();
        api.MapGet("/products/{code}", async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> (string code, PortalDb db, CancellationToken ct) =>
                await db.Products.AsNoTracking().Where(p => p.Code == code).Select(p => ToResponse(p)).FirstOrDefaultAsync(ct) is { } found
                    ? TypedResults.Ok(found)
                    : ApiProblems.NotFound("Product", $"No product has code '{code}'."))
            .WithName("GetProduct");
        api.MapPut("/accounts/{externalId}/prices/{productCode}", async (string externalId, string productCode, PriceInput input, PortalDb db, TimeProvider time, CancellationToken ct) =>
                (await UpsertPriceAsync(db, time, externalId, productCode, input, ct)).ToHttp($"/api/v1/accounts/{Uri.EscapeDataString(externalId)}/prices/{Uri.EscapeDataString(productCode)}"))
            .WithName("UpsertCustomerPrice").WithSummary("Sets the price one account pays for one product.").ProducesUpsertProblems(notFound: true);
        api.MapDelete("/accounts/{externalId}/prices/{productCode}", async Task<Results<NoContent, ProblemHttpResult>> (string externalId, string productCode, PortalDb db, CancellationToken ct) =>
                await db.CustomerPrices.Where(p => p.Product!.Code == productCode && db.Accounts.Any(a => a.Id == p.AccountId && a.ExternalId == externalId)).ExecuteDeleteAsync(ct) > 0
                    ? TypedResults.NoContent()
                    : ApiProblems.NotFound("Price", $"Account '{externalId}' has no price for '{productCode}'."))
            .WithName("DeleteCustomerPrice");
        return api;
    }

    public static async Task<UpsertOutcome<ProductResponse>> UpsertProductAsync(PortalDb db, TimeProvider time, string code, ProductInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("code", code, 50);
        errors.Text("name", input.Name, 200);
        errors.Text("description", input.Description, 2000, required: false);
        errors.Text("category", input.Category, 100, required: false);
        errors.Text("unit", input.Unit, 20);
        if (errors.Currency("currency", input.Currency))
        {
            errors.Number("listPrice", input.ListPrice);
        }

        if (errors.Any)
        {
            return new UpsertOutcome<ProductResponse>.Invalid(errors);
        }

        var product = await db.Products.FirstOrDefaultAsync(p => p.Code == code, ct);
        var created = product is null;
        product ??= db.Products.Add(new Product { Code = code, Name = "", Unit = "", Currency = input.Currency! }).Entity;
        product.Name = input.Name!;
        product.Description = input.Description;
        product.Category = input.Category;
        product.Unit = input.Unit!;
        product.ListPrice = input.ListPrice!.Value;
        product.Currency = input.Currency!;
        product.Active = input.Active ?? true;
        product.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return created ? new UpsertOutcome<ProductResponse>.Created(ToResponse(product)) : new UpsertOutcome<ProductResponse>.Updated(ToResponse(product));
    }

    public static async Task<UpsertOutcome<PriceResponse>> UpsertPriceAsync(PortalDb db, TimeProvider time, string accountExternalId, string productCode, PriceInput input, CancellationToken ct)
    {
        var account = await AccountRefs.FindAsync(db, accountExternalId, ct);
        if (account is null)
        {
            return new UpsertOutcome<PriceResponse>.Missing("Account", $"No account has externalId '{accountExternalId}'.");
        }

        var product = await db.Products.Where(p => p.Code == productCode).Select(p => new { p.Id }).FirstOrDefaultAsync(ct);
        if (product is null)
        {
            return new UpsertOutcome<PriceResponse>.Missing("Product", $"No product has code '{productCode}'.");
        }

        var errors = new FieldErrors();
        errors.CurrencyOf("currency", input.Currency, account);

        errors.Number("unitPrice", input.UnitPrice);
        if (input.ValidFrom is { } from && input.ValidTo is { } to && to < from)
        {
            errors.Add("validTo", "Must not be before validFrom.");
        }

        if (errors.Any)
        {
            return new UpsertOutcome<PriceResponse>.Invalid(errors);
        }

        var price = await db.CustomerPrices.FirstOrDefaultAsync(p => p.AccountId == account.Id && p.ProductId == product.Id, ct);
        var created = price is null;
        price ??= db.CustomerPrices.Add(new CustomerPrice { AccountId = account.Id, ProductId = product.Id, Currency = account.Currency }).Entity;
        price.UnitPrice = input.UnitPrice!.Value;
        price.Currency = input.Currency!;
        price.ValidFrom = input.ValidFrom;
        price.ValidTo = input.ValidTo;
        price.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        var response = new PriceResponse(accountExternalId, productCode, price.UnitPrice, price.Currency, price.ValidFrom, price.ValidTo);
        return created ? new UpsertOutcome<PriceResponse>.Created(response) : new UpsertOutcome<PriceResponse>.Updated(response);
    }

    private static ProductResponse ToResponse(Product p) => new(p.Code, p.Name, p.Description, p.Category, p.Unit, p.ListPrice, p.Currency, p.Active);
}
