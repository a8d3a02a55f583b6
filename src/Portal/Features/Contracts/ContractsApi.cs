using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Integration;

namespace Portal.Features.Contracts;

/// <summary><c>PUT /api/v1/contracts/{externalId}</c>: a rental contract with its items; the items are replaced as sent.</summary>
public static class ContractsApi
{
    public sealed record ContractItemInput(string? ProductCode, string? Description, string? AssetNumber, decimal? QuantityOut, decimal? QuantityReturned, DateOnly? DateOut, DateOnly? ExpectedReturn, decimal? Rate, string? RatePeriod);

    public sealed record ContractInput(string? Account, string? Number, string? Status, DateOnly? StartDate, DateOnly? EndDate, string? JobSite, string? PurchaseOrder, string? Branch, IReadOnlyList<ContractItemInput>? Items);

    public sealed record ContractItemResponse(int LineNumber, string ProductCode, string Description, string? AssetNumber, decimal QuantityOut, decimal QuantityReturned, decimal QuantityOnRent, DateOnly DateOut, DateOnly? ExpectedReturn, decimal Rate, string? RatePeriod);

    public sealed record ContractResponse(string ExternalId, string Account, string Number, string Status, DateOnly StartDate, DateOnly? EndDate, string? JobSite, string? PurchaseOrder, string? Branch, IReadOnlyList<ContractItemResponse> Items);

    public static RouteGroupBuilder MapContractsApi(this RouteGroupBuilder api)
    {
        api.MapPut("/contracts/{externalId}", async (string externalId, ContractInput input, PortalDb db, TimeProvider time, CancellationToken ct) =>
                (await UpsertAsync(db, time, externalId, input, ct)).ToHttp($"/api/v1/contracts/{Uri.EscapeDataString(externalId)}"))
            .WithName("UpsertContract").WithSummary("Creates or updates a rental contract and its items.").ProducesUpsertProblems();
        return api;
    }

    public static async Task<UpsertOutcome<ContractResponse>> UpsertAsync(PortalDb db, TimeProvider time, string externalId, ContractInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("externalId", externalId, 100);
        var account = await errors.AccountAsync(db, "account", input.Account, ct);

        errors.Text("number", input.Number, 50);
        var status = errors.Enum<ContractStatus>("status", input.Status) ?? ContractStatus.Open;

        if (input.StartDate is null)
        {
            errors.Add("startDate", "Required.");
        }
        else if (input.EndDate < input.StartDate)
        {
            errors.Add("endDate", "Must not be before startDate.");
        }

        errors.Text("jobSite", input.JobSite, 200, required: false);
        errors.Text("purchaseOrder", input.PurchaseOrder, 100, required: false);
        errors.Text("branch", input.Branch, 50, required: false);
        var items = input.Items ?? [];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var at = $"items[{i}]";
            errors.Text($"{at}.productCode", item.ProductCode, 50);
            errors.Text($"{at}.description", item.Description, 500);
            errors.Text($"{at}.assetNumber", item.AssetNumber, 100, required: false);
            errors.Text($"{at}.ratePeriod", item.RatePeriod, 20, required: false);
            if (errors.Number($"{at}.quantityOut", item.QuantityOut) && errors.Number($"{at}.quantityReturned", item.QuantityReturned ?? 0m)
                && (item.QuantityReturned ?? 0m) > item.QuantityOut)
            {
                errors.Add($"{at}.quantityReturned", "Must not exceed quantityOut.");
            }

            errors.Number($"{at}.rate", item.Rate ?? 0m);
            if (item.DateOut is null)
            {
                errors.Add($"{at}.dateOut", "Required.");
            }
        }

        if (errors.Any)
        {
            return new UpsertOutcome<ContractResponse>.Invalid(errors);
        }

        if (await db.Contracts.AnyAsync(c => c.Number == input.Number && c.ExternalId != externalId, ct))
        {
            return new UpsertOutcome<ContractResponse>.Conflict("Duplicate contract number", $"Contract number '{input.Number}' belongs to another contract.");
        }

        var contract = await db.Contracts.Include(c => c.Items).FirstOrDefaultAsync(c => c.ExternalId == externalId, ct);
        var created = contract is null;
        contract ??= db.Contracts.Add(new Contract { ExternalId = externalId, Number = input.Number! }).Entity;
        contract.AccountId = account!.Id;
        contract.Number = input.Number!;
        contract.Status = status;
        contract.StartDate = input.StartDate!.Value;
        contract.EndDate = input.EndDate;
        contract.JobSite = input.JobSite;
        contract.PurchaseOrder = input.PurchaseOrder;
        contract.Branch = input.Branch;
        contract.UpdatedAt = time.GetUtcNow().UtcDateTime;
        contract.Items.Clear();
        contract.Items.AddRange(items.Select((item, i) => new ContractItem
        {
            LineNumber = i + 1,
            ProductCode = item.ProductCode!,
            Description = item.Description!,
            AssetNumber = item.AssetNumber,
            QuantityOut = item.QuantityOut!.Value,
            QuantityReturned = item.QuantityReturned ?? 0m,
            DateOut = item.DateOut!.Value,
            ExpectedReturn = item.ExpectedReturn,
            Rate = item.Rate ?? 0m,
            RatePeriod = item.RatePeriod,
        }));
        await db.SaveChangesAsync(ct);
        var response = new ContractResponse(contract.ExternalId, input.Account!, contract.Number, contract.Status.ToString().ToLowerInvariant(), contract.StartDate, contract.EndDate, contract.JobSite, contract.PurchaseOrder, contract.Branch,
            contract.Items.OrderBy(i => i.LineNumber).Select(i => new ContractItemResponse(i.LineNumber, i.ProductCode, i.Description, i.AssetNumber, i.QuantityOut, i.QuantityReturned, i.QuantityOut - i.QuantityReturned, i.DateOut, i.ExpectedReturn, i.Rate, i.RatePeriod)).ToList());
        return created ? new UpsertOutcome<ContractResponse>.Created(response) : new UpsertOutcome<ContractResponse>.Updated(response);
    }
}
