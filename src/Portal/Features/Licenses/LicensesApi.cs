using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure.Api;

namespace Portal.Features.Licenses;

/// <summary><c>PUT /api/v1/licenses/{externalId}</c>: the customer's license inventory.</summary>
public static class LicensesApi
{
    public sealed record LicenseInput(string? Account, string? ProductCode, string? ProductName, string? LicenseCode, int? Seats, string? Version, DateOnly? IssuedOn, DateOnly? ExpiresOn, string? Maintenance, DateOnly? MaintenanceEndsOn);

    public sealed record LicenseResponse(string ExternalId, string Account, string ProductCode, string ProductName, string LicenseCode, int Seats, string? Version, DateOnly IssuedOn, DateOnly? ExpiresOn, MaintenanceStatus Maintenance, DateOnly? MaintenanceEndsOn);

    public static RouteGroupBuilder MapLicensesApi(this RouteGroupBuilder api)
    {
        api.MapPut("/licenses/{externalId}", (string externalId, HttpRequest request, [AsParameters] UpsertServices services, CancellationToken ct) =>
                UpsertEndpoint.HandleAsync<LicenseInput, LicenseResponse>(request, $"/api/v1/licenses/{Uri.EscapeDataString(externalId)}", input => UpsertAsync(services, externalId, input, ct), ct))
            .WithName("UpsertLicense").WithSummary("Creates or updates a license the customer holds.").Accepts<LicenseInput>("application/json").ProducesUpsertProblems();
        api.MapGet("/licenses/{externalId}", async Task<Results<Ok<LicenseResponse>, ProblemHttpResult>> (string externalId, PortalDb db, CancellationToken ct) =>
                await db.Licenses.AsNoTracking().Where(l => l.ExternalId == externalId)
                    .Select(l => new { License = l, Account = db.Accounts.Where(a => a.Id == l.AccountId).Select(a => a.ExternalId).First() })
                    .FirstOrDefaultAsync(ct) is { } found
                    ? TypedResults.Ok(ToResponse(found.License, found.Account))
                    : ApiProblems.NotFound("License", $"No license has externalId '{externalId}'."))
            .WithName("GetLicense").WithSummary("One license, by its external id.").ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static readonly DocumentWords Words = new("license");

    public static async Task<UpsertOutcome<LicenseResponse>> UpsertAsync(UpsertServices services, string externalId, LicenseInput input, CancellationToken ct)
    {
        var (db, time, _) = services;
        var e = new ApiErrors();
        e.ExternalId("externalId", externalId);
        var account = await e.AccountAsync(db, "account", input.Account, ct);
        var productCode = e.Text("productCode", input.ProductCode, 50, required: true);
        var productName = e.Text("productName", input.ProductName, 200, required: true);
        var licenseCode = e.Text("licenseCode", input.LicenseCode, 200, required: true);
        var version = e.Text("version", input.Version, 50);
        var seats = e.Required("seats", input.Seats);
        if (seats < 0)
        {
            e.Add("seats", "Must not be negative.");
        }

        var issuedOn = e.Required("issuedOn", input.IssuedOn);
        if (input.IssuedOn is not null && input.ExpiresOn < input.IssuedOn)
        {
            e.Add("expiresOn", "Must not be before issuedOn.");
        }

        var maintenance = e.Enum<MaintenanceStatus>("maintenance", input.Maintenance) ?? MaintenanceStatus.None;
        if (e.Any)
        {
            return new UpsertOutcome<LicenseResponse>.Invalid(e);
        }

        var license = await db.Licenses.FirstOrDefaultAsync(l => l.ExternalId == externalId, ct);
        if (license is not null && license.AccountId != account!.Id)
        {
            return ApiWrites.OtherAccount<LicenseResponse>(Words, externalId);
        }

        var now = ApiWrites.Now(time);
        var created = license is null;
        license ??= db.Licenses.Add(new License { ExternalId = externalId, ProductCode = productCode!, ProductName = productName!, LicenseCode = licenseCode!, AccountId = account!.Id, UpdatedAt = now }).Entity;
        license.ProductCode = productCode!;
        license.ProductName = productName!;
        license.LicenseCode = licenseCode!;
        license.Seats = seats;
        license.Version = version;
        license.IssuedOn = issuedOn;
        license.ExpiresOn = input.ExpiresOn;
        license.Maintenance = maintenance;
        license.MaintenanceEndsOn = input.MaintenanceEndsOn;
        var changed = !created && ApiWrites.HasChanges(db);
        if (changed)
        {
            license.UpdatedAt = now;
        }

        if (await ApiWrites.SaveAsync<LicenseResponse>(db, services.Log, ct) is { } conflict)
        {
            return conflict;
        }

        var response = ToResponse(license, input.Account!.Trim());
        return created ? new UpsertOutcome<LicenseResponse>.Created(response) : new UpsertOutcome<LicenseResponse>.Updated(response, changed);
    }

    private static LicenseResponse ToResponse(License l, string account) =>
        new(l.ExternalId, account, l.ProductCode, l.ProductName, l.LicenseCode, l.Seats, l.Version, l.IssuedOn, l.ExpiresOn, l.Maintenance, l.MaintenanceEndsOn);
}
