using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure.Api;

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
        api.MapPut("/products/{code}", (string code, HttpRequest request, [AsParameters] UpsertServices services, CancellationToken ct) =>
                UpsertEndpoint.HandleAsync<ProductInput, ProductResponse>(request, $"/api/v1/products/{Uri.EscapeDataString(code)}", input => UpsertProductAsync(services, code, input, ct), ct))
            .WithName("UpsertProduct").WithSummary("Creates or updates a product of the order-pad catalogue.").Accepts<ProductInput>("application/json").ProducesUpsertProblems();
        api.MapGet("/products/{code}", async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> (string code, PortalDb db, CancellationToken ct) =>
                await db.Products.AsNoTracking().Where(p => p.Code == code).Select(p => ToResponse(p)).FirstOrDefaultAsync(ct) is { } found
                    ? TypedResults.Ok(found)
                    : ApiProblems.NotFound("Product", $"No product has code '{code}'."))
            .WithName("GetProduct").WithSummary("One product of the catalogue, by its code.").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/accounts/{externalId}/prices/{productCode}", (string externalId, string productCode, HttpRequest request, [AsParameters] UpsertServices services, CancellationToken ct) =>
                UpsertEndpoint.HandleAsync<PriceInput, PriceResponse>(request, $"/api/v1/accounts/{Uri.EscapeDataString(externalId)}/prices/{Uri.EscapeDataString(productCode)}", input => UpsertPriceAsync(services, externalId, productCode, input, ct), ct))
            .WithName("UpsertCustomerPrice").WithSummary("Sets the price one account pays for one product.").Accepts<PriceInput>("application/json").ProducesUpsertProblems(notFound: true);
        api.MapDelete("/accounts/{externalId}/prices/{productCode}", async Task<Results<NoContent, ProblemHttpResult>> (string externalId, string productCode, PortalDb db, CancellationToken ct) =>
                await db.CustomerPrices.Where(p => p.Product!.Code == productCode && db.Accounts.Any(a => a.Id == p.AccountId && a.ExternalId == externalId)).ExecuteDeleteAsync(ct) > 0
                    ? TypedResults.NoContent()
                    : ApiProblems.NotFound("Price", $"Account '{externalId}' has no price for '{productCode}'."))
            .WithName("DeleteCustomerPrice").WithSummary("Removes an account's own price for a product; the list price applies again.").ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<UpsertOutcome<ProductResponse>> UpsertProductAsync(UpsertServices services, string code, ProductInput input, CancellationToken ct)
    {
        var (db, time, _) = services;
        var e = new ApiErrors();
        e.ExternalId("code", code);
        if (code.Length > 50)
        {
            e.Add("code", "At most 50 characters.");
        }

        var name = e.Text("name", input.Name, 200, required: true);
        var description = e.Text("description", input.Description, 2000, multiline: true);
        var category = e.Text("category", input.Category, 100);
        var unit = e.Text("unit", input.Unit, 20, required: true);
        var currency = e.Currency("currency", input.Currency);
        var listPrice = e.Precise("listPrice", input.ListPrice, nonNegative: true);
        if (e.Any)
        {
            return new UpsertOutcome<ProductResponse>.Invalid(e);
        }

        var now = ApiWrites.Now(time);
        var product = await db.Products.FirstOrDefaultAsync(p => p.Code == code, ct);
        var created = product is null;
        product ??= db.Products.Add(new Product { Code = code, Name = name!, Unit = unit!, Currency = currency!, UpdatedAt = now }).Entity;
        product.Name = name!;
        product.Description = description;
        product.Category = category;
        product.Unit = unit!;
        product.ListPrice = listPrice;
        product.Currency = currency!;
        product.Active = input.Active ?? true;
        var changed = !created && ApiWrites.HasChanges(db);
        if (changed)
        {
            product.UpdatedAt = now;
        }

        if (await ApiWrites.SaveAsync<ProductResponse>(db, services.Log, ct) is { } conflict)
        {
            return conflict;
        }

        return created ? new UpsertOutcome<ProductResponse>.Created(ToResponse(product)) : new UpsertOutcome<ProductResponse>.Updated(ToResponse(product), changed);
    }

    public static async Task<UpsertOutcome<PriceResponse>> UpsertPriceAsync(UpsertServices services, string accountExternalId, string productCode, PriceInput input, CancellationToken ct)
    {
        var (db, time, _) = services;
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

        var e = new ApiErrors();
        var currency = e.CurrencyOf("currency", input.Currency, account);
        var unitPrice = e.Precise("unitPrice", input.UnitPrice, nonNegative: true);
        if (input.ValidFrom is { } from && input.ValidTo is { } to && to < from)
        {
            e.Add("validTo", "Must not be before validFrom.");
        }

        if (e.Any)
        {
            return new UpsertOutcome<PriceResponse>.Invalid(e);
        }

        var now = ApiWrites.Now(time);
        var price = await db.CustomerPrices.FirstOrDefaultAsync(p => p.AccountId == account.Id && p.ProductId == product.Id, ct);
        var created = price is null;
        price ??= db.CustomerPrices.Add(new CustomerPrice { AccountId = account.Id, ProductId = product.Id, Currency = account.Currency, UpdatedAt = now }).Entity;
        price.UnitPrice = unitPrice;
        price.Currency = currency!;
        price.ValidFrom = input.ValidFrom;
        price.ValidTo = input.ValidTo;
        var changed = !created && ApiWrites.HasChanges(db);
        if (changed)
        {
            price.UpdatedAt = now;
        }

        if (await ApiWrites.SaveAsync<PriceResponse>(db, services.Log, ct) is { } conflict)
        {
            return conflict;
        }

        var response = new PriceResponse(accountExternalId, productCode, price.UnitPrice, price.Currency, price.ValidFrom, price.ValidTo);
        return created ? new UpsertOutcome<PriceResponse>.Created(response) : new UpsertOutcome<PriceResponse>.Updated(response, changed);
    }

    private static ProductResponse ToResponse(Product p) => new(p.Code, p.Name, p.Description, p.Category, p.Unit, p.ListPrice, p.Currency, p.Active);
}
