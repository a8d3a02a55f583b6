using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Integration;

namespace Portal.Features.Licenses;

/// <summary><c>PUT /api/v1/licenses/{externalId}</c>: the customer's license inventory.</summary>
public static class LicensesApi
{
    public sealed record LicenseInput(string? Account, string? ProductCode, string? ProductName, string? LicenseCode, int? Seats, string? Version, DateOnly? IssuedOn, DateOnly? ExpiresOn, string? Maintenance, DateOnly? MaintenanceEndsOn);

    public sealed record LicenseResponse(string ExternalId, string Account, string ProductCode, string ProductName, string LicenseCode, int Seats, string? Version, DateOnly IssuedOn, DateOnly? ExpiresOn, string Maintenance, DateOnly? MaintenanceEndsOn);

    public static RouteGroupBuilder MapLicensesApi(this RouteGroupBuilder api)
    {
        api.MapPut("/licenses/{externalId}", async (string externalId, LicenseInput input, PortalDb db, TimeProvider time, CancellationToken ct) =>
                (await UpsertAsync(db, time, externalId, input, ct)).ToHttp($"/api/v1/licenses/{Uri.EscapeDataString(externalId)}"))
            .WithName("UpsertLicense").WithSummary("Creates or updates a license the customer holds.").ProducesUpsertProblems();
        api.MapGet("/licenses/{externalId}", async Task<Results<Ok<LicenseResponse>, ProblemHttpResult>> (string externalId, PortalDb db, CancellationToken ct) =>
                await db.Licenses.AsNoTracking().Where(l => l.ExternalId == externalId)
                    .Select(l => new { License = l, Account = db.Accounts.Where(a => a.Id == l.AccountId).Select(a => a.ExternalId).First() })
                    .FirstOrDefaultAsync(ct) is { } found
                    ? TypedResults.Ok(ToResponse(found.License, found.Account))
                    : ApiProblems.NotFound("License", $"No license has externalId '{externalId}'."))
            .WithName("GetLicense");
        return api;
    }

    public static async Task<UpsertOutcome<LicenseResponse>> UpsertAsync(PortalDb db, TimeProvider time, string externalId, LicenseInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("externalId", externalId, 100);
        var account = await errors.AccountAsync(db, "account", input.Account, ct);

        errors.Text("productCode", input.ProductCode, 50);
        errors.Text("productName", input.ProductName, 200);
        errors.Text("licenseCode", input.LicenseCode, 200);
        errors.Text("version", input.Version, 50, required: false);
        if (input.Seats is null or < 0)
        {
            errors.Add("seats", "Required, and not negative.");
        }

        if (input.IssuedOn is null)
        {
            errors.Add("issuedOn", "Required.");
        }
        else if (input.ExpiresOn < input.IssuedOn)
        {
            errors.Add("expiresOn", "Must not be before issuedOn.");
        }

        var maintenance = errors.Enum<MaintenanceStatus>("maintenance", input.Maintenance) ?? MaintenanceStatus.None;

        if (errors.Any)
        {
            return new UpsertOutcome<LicenseResponse>.Invalid(errors);
        }

        var license = await db.Licenses.FirstOrDefaultAsync(l => l.ExternalId == externalId, ct);
        var created = license is null;
        license ??= db.Licenses.Add(new License { ExternalId = externalId, ProductCode = "", ProductName = "", LicenseCode = "" }).Entity;
        license.AccountId = account!.Id;
        license.ProductCode = input.ProductCode!;
        license.ProductName = input.ProductName!;
        license.LicenseCode = input.LicenseCode!;
        license.Seats = input.Seats!.Value;
        license.Version = input.Version;
        license.IssuedOn = input.IssuedOn!.Value;
        license.ExpiresOn = input.ExpiresOn;
        license.Maintenance = maintenance;
        license.MaintenanceEndsOn = input.MaintenanceEndsOn;
        license.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        var response = ToResponse(license, input.Account!);
        return created ? new UpsertOutcome<LicenseResponse>.Created(response) : new UpsertOutcome<LicenseResponse>.Updated(response);
    }

    private static LicenseResponse ToResponse(License l, string account) =>
        new(l.ExternalId, account, l.ProductCode, l.ProductName, l.LicenseCode, l.Seats, l.Version, l.IssuedOn, l.ExpiresOn, l.Maintenance.ToString().ToLowerInvariant(), l.MaintenanceEndsOn);
}
