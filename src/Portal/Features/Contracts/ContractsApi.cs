using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Api;

namespace Portal.Features.Contracts;

/// <summary><c>PUT /api/v1/contracts/{externalId}</c>: a rental contract with its items; the items are replaced as sent.</summary>
public static class ContractsApi
{
    public sealed record ContractItemInput(string? ProductCode, string? Description, string? AssetNumber, decimal? QuantityOut, decimal? QuantityReturned, DateOnly? DateOut, DateOnly? ExpectedReturn, decimal? Rate, string? RatePeriod);

    public sealed record ContractInput(string? Account, string? Number, string? Status, DateOnly? StartDate, DateOnly? EndDate, string? JobSite, string? PurchaseOrder, string? Branch, IReadOnlyList<ContractItemInput>? Items);

    public sealed record ContractItemResponse(int LineNumber, string ProductCode, string Description, string? AssetNumber, decimal QuantityOut, decimal QuantityReturned, decimal QuantityOnRent, DateOnly DateOut, DateOnly? ExpectedReturn, decimal Rate, string? RatePeriod);

    public sealed record ContractResponse(string ExternalId, string Account, string Number, ContractStatus Status, DateOnly StartDate, DateOnly? EndDate, string? JobSite, string? PurchaseOrder, string? Branch, IReadOnlyList<ContractItemResponse> Items);

    public static RouteGroupBuilder MapContractsApi(this RouteGroupBuilder api)
    {
        api.MapPut("/contracts/{externalId}", (string externalId, HttpRequest request, [AsParameters] UpsertServices services, CancellationToken ct) =>
                UpsertEndpoint.HandleAsync<ContractInput, ContractResponse>(request, $"/api/v1/contracts/{Uri.EscapeDataString(externalId)}", input => UpsertAsync(services, externalId, input, ct), ct))
            .WithName("UpsertContract").WithSummary("Creates or updates a rental contract and its items (at most 1,000).").Accepts<ContractInput>("application/json").ProducesUpsertProblems();
        return api;
    }

    private static readonly DocumentWords Words = new("contract");

    public static async Task<UpsertOutcome<ContractResponse>> UpsertAsync(UpsertServices services, string externalId, ContractInput input, CancellationToken ct)
    {
        var (db, time, _) = services;
        var e = new ApiErrors();
        e.ExternalId("externalId", externalId);
        var account = await e.AccountAsync(db, "account", input.Account, ct);
        var number = e.Text("number", input.Number, 50, required: true);
        var status = e.Enum<ContractStatus>("status", input.Status) ?? ContractStatus.Open;
        var startDate = e.Required("startDate", input.StartDate);
        if (input.StartDate is not null && input.EndDate < input.StartDate)
        {
            e.Add("endDate", "Must not be before startDate.");
        }

        var jobSite = e.Text("jobSite", input.JobSite, 200);
        var purchaseOrder = e.Text("purchaseOrder", input.PurchaseOrder, 100);
        var branch = e.Text("branch", input.Branch, 50);
        var items = new List<ContractItem>();
        foreach (var (at, item) in e.Items("items", input.Items, ApiErrors.MaxLines))
        {
            var quantityOut = e.Precise($"{at}.quantityOut", item.QuantityOut, nonNegative: true);
            var quantityReturned = e.Precise($"{at}.quantityReturned", item.QuantityReturned ?? 0m, nonNegative: true);
            if (!e.AnyUnder($"{at}.quantity") && quantityReturned > quantityOut)
            {
                e.Add($"{at}.quantityReturned", "Must not exceed quantityOut.");
            }

            items.Add(new ContractItem
            {
                LineNumber = items.Count + 1,
                ProductCode = e.Text($"{at}.productCode", item.ProductCode, 50, required: true) ?? "",
                Description = e.Text($"{at}.description", item.Description, 500, required: true) ?? "",
                AssetNumber = e.Text($"{at}.assetNumber", item.AssetNumber, 100),
                QuantityOut = quantityOut,
                QuantityReturned = quantityReturned,
                DateOut = e.Required($"{at}.dateOut", item.DateOut),
                ExpectedReturn = item.ExpectedReturn,
                Rate = e.Precise($"{at}.rate", item.Rate ?? 0m, nonNegative: true),
                RatePeriod = e.Text($"{at}.ratePeriod", item.RatePeriod, 20),
            });
        }

        if (e.Any)
        {
            return new UpsertOutcome<ContractResponse>.Invalid(e);
        }

        var (contract, refusal) = await ApiWrites.FindAsync<Contract, ContractResponse>(db.Contracts.Include(c => c.Items), externalId, number!, account!.Id, Words, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var now = ApiWrites.Now(time);
        var created = contract is null;
        contract ??= db.Contracts.Add(new Contract { ExternalId = externalId, Number = number!, AccountId = account.Id, UpdatedAt = now }).Entity;
        contract.Number = number!;
        contract.Status = status;
        contract.StartDate = startDate;
        contract.EndDate = input.EndDate;
        contract.JobSite = jobSite;
        contract.PurchaseOrder = purchaseOrder;
        contract.Branch = branch;
        // What the customer has called off stays with its line: the billing system does not send it.
        var stored = contract.Items.ToDictionary(i => i.LineNumber);
        foreach (var item in items)
        {
            item.AccountId = account.Id;
            item.QuantityCalledOff = stored.TryGetValue(item.LineNumber, out var current) ? current.QuantityCalledOff : 0m;
        }

        ApiWrites.SyncLines(db, contract.Items, items, i => i.LineNumber);
        var changed = !created && ApiWrites.HasChanges(db);
        if (changed)
        {
            contract.UpdatedAt = now;
        }

        if (await ApiWrites.SaveAsync<ContractResponse>(db, services.Log, ct) is { } conflict)
        {
            return conflict;
        }

        var response = new ContractResponse(contract.ExternalId, input.Account!.Trim(), contract.Number, contract.Status, contract.StartDate, contract.EndDate, contract.JobSite, contract.PurchaseOrder, contract.Branch,
            contract.Items.OrderBy(i => i.LineNumber).Select(i => new ContractItemResponse(i.LineNumber, i.ProductCode, i.Description, i.AssetNumber, i.QuantityOut, i.QuantityReturned, i.QuantityOut - i.QuantityReturned, i.DateOut, i.ExpectedReturn, i.Rate, i.RatePeriod)).ToList());
        return created ? new UpsertOutcome<ContractResponse>.Created(response) : new UpsertOutcome<ContractResponse>.Updated(response, changed);
    }
}
