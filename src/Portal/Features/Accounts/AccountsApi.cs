using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Infrastructure.Api;

namespace Portal.Features.Accounts;

/// <summary>
/// <c>/api/v1/accounts/{externalId}</c> and its contacts: the billing system's customers, upserted by
/// its own ids. A PUT carries the whole resource (an absent optional field is cleared). An unknown
/// account in the URL is 404; an unknown account referenced in the body (<c>parent</c>) is a 400 naming
/// the field.
/// </summary>
public static class AccountsApi
{
    public sealed record AccountRequest
    {
        /// <summary>The account number customers see on their documents; unique.</summary>
        [Required]
        public string? Number { get; init; }

        [Required]
        public string? Name { get; init; }

        public string? Email { get; init; }

        /// <summary>Any format; stored as its digits only.</summary>
        public string? Phone { get; init; }

        public string? PostalCode { get; init; }

        public string? AddressLine1 { get; init; }

        public string? AddressLine2 { get; init; }

        public string? City { get; init; }

        public string? Region { get; init; }

        /// <summary>ISO 3166-1 alpha-2, e.g. US.</summary>
        public string? Country { get; init; }

        /// <summary>ISO 4217; cannot change once the account has documents.</summary>
        [Required]
        public string? Currency { get; init; }

        /// <summary>Day of the month (1-28) on which billing periods start; 1 when absent.</summary>
        [Range(1, 28)]
        public int? BillDay { get; init; }

        /// <summary>The parent account's externalId, or null.</summary>
        public string? Parent { get; init; }

        /// <summary>Invoices are sent to, and paid by, the parent (requires a parent).</summary>
        public bool BillToParent { get; init; }

        /// <summary>credit when absent.</summary>
        public AccountType? Type { get; init; }

        /// <summary>true when absent.</summary>
        public bool? PortalEnabled { get; init; }

        public string? Branch { get; init; }
    }

    public sealed record AccountResponse(
        string ExternalId,
        string Number,
        string Name,
        string? Email,
        string? Phone,
        string? PostalCode,
        string? AddressLine1,
        string? AddressLine2,
        string? City,
        string? Region,
        string? Country,
        string Currency,
        int BillDay,
        string? Parent,
        bool BillToParent,
        AccountType Type,
        bool PortalEnabled,
        string? Branch,
        DateTime CreatedAt,
        DateTime UpdatedAt);

    public sealed record ContactRequest
    {
        [Required]
        public string? Name { get; init; }

        public string? Title { get; init; }

        public string? Email { get; init; }

        public string? Phone { get; init; }

        /// <summary>What the contact does for the account: billing, purchasing, primary, ...</summary>
        public string? Role { get; init; }

        public bool IsPrimary { get; init; }

        /// <summary>true when absent; a PUT reactivates a deleted contact.</summary>
        public bool? Active { get; init; }
    }

    public sealed record ContactResponse(string Account, string ExternalId, string Name, string? Title, string? Email, string? Phone, string? Role, bool IsPrimary, bool Active, DateTime UpdatedAt);

    public static RouteGroupBuilder MapAccountsApi(this RouteGroupBuilder api)
    {
        api.MapPut("/accounts/{externalId}", PutAsync)
            .WithName("PutAccount")
            .WithSummary("Creates or updates an account, keyed by the billing system's id.")
            .WithDescription("201 with a Location header when new, 200 when updated. Re-sending the same body changes nothing. Changing the currency of an account that has documents is 409.")
            .Accepts<AccountRequest>("application/json")
            .ProducesUpsertProblems();
        api.MapGet("/accounts/{externalId}", GetAsync)
            .WithName("GetAccount")
            .WithSummary("The account as the portal stores it.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Produces(StatusCodes.Status401Unauthorized);
        api.MapPut("/accounts/{externalId}/contacts/{contactId}", PutContactAsync)
            .WithName("PutContact")
            .WithSummary("Creates or updates an authorised contact of the account.")
            .Accepts<ContactRequest>("application/json")
            .ProducesUpsertProblems(notFound: true);
        api.MapGet("/accounts/{externalId}/contacts/{contactId}", GetContactAsync)
            .WithName("GetContact")
            .WithSummary("One contact of the account, active or not.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Produces(StatusCodes.Status401Unauthorized);
        api.MapDelete("/accounts/{externalId}/contacts/{contactId}", DeleteContactAsync)
            .WithName("DeleteContact")
            .WithSummary("Marks the contact inactive (it is kept, and a later PUT reactivates it). Repeating it is harmless.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Produces(StatusCodes.Status401Unauthorized);
        return api;
    }

    private static Task<Results<Created<AccountResponse>, Ok<AccountResponse>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string externalId, HttpRequest request, [AsParameters] UpsertServices services, CancellationToken ct) =>
        UpsertEndpoint.HandleAsync<AccountRequest, AccountResponse>(request, Location(externalId), body => UpsertAsync(services, externalId, body, ct), ct);

    /// <summary>The upsert itself, shared by the API and the CSV import.</summary>
    public static async Task<UpsertOutcome<AccountResponse>> UpsertAsync(UpsertServices services, string externalId, AccountRequest body, CancellationToken ct)
    {
        var (db, time, _) = services;
        var e = new ApiErrors();
        e.ExternalId("externalId", externalId);
        var number = e.Text("number", body.Number, 50, required: true);
        var name = e.Text("name", body.Name, 200, required: true);
        var email = e.Email("email", body.Email);
        var phone = Phone(e, "phone", body.Phone, 20);
        var postalCode = e.Text("postalCode", body.PostalCode, 20);
        var line1 = e.Text("addressLine1", body.AddressLine1, 200);
        var line2 = e.Text("addressLine2", body.AddressLine2, 200);
        var city = e.Text("city", body.City, 100);
        var region = e.Text("region", body.Region, 100);
        var country = e.Text("country", body.Country, 2)?.ToUpperInvariant();
        if (country is not null && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
        {
            e.Add("country", "An ISO 3166-1 alpha-2 code, e.g. US.");
        }

        var currency = e.Currency("currency", body.Currency);
        var billDay = body.BillDay ?? 1;
        if (billDay is < 1 or > 28)
        {
            e.Add("billDay", "A day of the month from 1 to 28.");
        }

        var branch = e.Text("branch", body.Branch, 50);
        var parentExternalId = e.Text("parent", body.Parent, 100);
        if (body.BillToParent && parentExternalId is null)
        {
            e.Add("billToParent", "An account can be billed to its parent only when it has one.");
        }

        var account = await db.Accounts.FirstOrDefaultAsync(a => a.ExternalId == externalId, ct);
        Account? parent = null;
        if (parentExternalId is not null)
        {
            parent = await db.Accounts.FirstOrDefaultAsync(a => a.ExternalId == parentExternalId, ct);
            if (parent is null)
            {
                e.Add("parent", $"No account has externalId '{parentExternalId}'.");
            }
            else if (parentExternalId == externalId || (account is not null && await IsDescendantAsync(db, parent, account.Id, ct)))
            {
                e.Add("parent", "An account cannot be its own parent or the parent of one of its ancestors.");
            }
            else if (body.BillToParent && currency is not null && parent.Currency != currency)
            {
                e.Add("billToParent", $"The parent bills in {parent.Currency}; a child billed to it must too.");
            }
        }

        if (e.Any)
        {
            return new UpsertOutcome<AccountResponse>.Invalid(e);
        }

        if (await db.Accounts.AnyAsync(a => a.Number == number && a.ExternalId != externalId, ct))
        {
            return new UpsertOutcome<AccountResponse>.Conflict("Duplicate account number", $"Another account already has number '{number}'.");
        }

        if (account is not null && account.Currency != currency && await HasDocumentsAsync(db, account.Id, ct))
        {
            return new UpsertOutcome<AccountResponse>.Conflict("Currency cannot change", $"The account has documents in {account.Currency}; its currency cannot change to {currency}.");
        }

        var now = ApiWrites.Now(time);
        var isNew = account is null;
        account ??= db.Accounts.Add(new Account { ExternalId = externalId, Number = number!, Name = name!, Currency = currency!, CreatedAt = now, UpdatedAt = now }).Entity;
        account.Number = number!;
        account.Name = name!;
        account.Email = email;
        account.Phone = phone;
        account.PostalCode = postalCode;
        account.AddressLine1 = line1;
        account.AddressLine2 = line2;
        account.City = city;
        account.Region = region;
        account.Country = country;
        account.Currency = currency!;
        account.BillDay = billDay;
        account.ParentAccountId = parent?.Id;
        account.BilledToParent = body.BillToParent;
        account.Type = body.Type ?? AccountType.Credit;
        account.PortalEnabled = body.PortalEnabled ?? true;
        account.Branch = branch;
        var changed = !isNew && ApiWrites.IsChanged(db, account);
        if (changed)
        {
            account.UpdatedAt = now;
        }

        if (await ApiWrites.SaveAsync<AccountResponse>(db, services.Log, ct) is { } conflict)
        {
            return conflict;
        }

        var response = ToResponse(account, parentExternalId);
        return isNew ? new UpsertOutcome<AccountResponse>.Created(response) : new UpsertOutcome<AccountResponse>.Updated(response, changed);
    }

    private static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> GetAsync(string externalId, PortalDb db, CancellationToken ct)
    {
        var row = await db.Accounts.AsNoTracking()
            .Where(a => a.ExternalId == externalId)
            .Select(a => new { Account = a, Parent = a.ParentAccount == null ? null : a.ParentAccount.ExternalId })
            .FirstOrDefaultAsync(ct);
        return row is null
            ? ApiProblems.NotFound("Account", $"No account has externalId '{externalId}'.")
            : TypedResults.Ok(ToResponse(row.Account, row.Parent));
    }

    private static async Task<Results<Created<ContactResponse>, Ok<ContactResponse>, ValidationProblem, ProblemHttpResult>> PutContactAsync(
        string externalId, string contactId, HttpRequest request, [AsParameters] UpsertServices services, CancellationToken ct)
    {
        var (db, time, _) = services;
        var (body, bad) = await ApiJson.ReadAsync<ContactRequest>(request, ct);
        if (body is null)
        {
            return bad!;
        }

        var e = new ApiErrors();
        e.ExternalId("contactId", contactId);
        var name = e.Text("name", body.Name, 200, required: true);
        var title = e.Text("title", body.Title, 100);
        var email = e.Email("email", body.Email);
        var phone = e.Text("phone", body.Phone, 30);
        var role = e.Text("role", body.Role, 50);
        if (e.Any)
        {
            return e.ToProblem();
        }

        var accountId = await AccountIdAsync(db, externalId, ct);
        if (accountId is null)
        {
            return ApiProblems.NotFound("Account", $"No account has externalId '{externalId}'.");
        }

        var now = ApiWrites.Now(time);
        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.AccountId == accountId && c.ExternalId == contactId, ct);
        var isNew = contact is null;
        contact ??= db.Contacts.Add(new Contact { AccountId = accountId.Value, ExternalId = contactId, Name = name!, UpdatedAt = now }).Entity;
        contact.Name = name!;
        contact.Title = title;
        contact.Email = email;
        contact.Phone = phone;
        contact.Role = role;
        contact.IsPrimary = body.IsPrimary;
        contact.IsActive = body.Active ?? true;
        if (!isNew && ApiWrites.IsChanged(db, contact))
        {
            contact.UpdatedAt = now;
        }

        if (await ApiWrites.SaveAsync<ContactResponse>(db, services.Log, ct) is { } conflict)
        {
            return conflict.ToHttp("");
        }

        var response = ToResponse(externalId, contact);
        return isNew ? TypedResults.Created($"{Location(externalId)}/contacts/{Uri.EscapeDataString(contactId)}", response) : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<ContactResponse>, ProblemHttpResult>> GetContactAsync(string externalId, string contactId, PortalDb db, CancellationToken ct)
    {
        var contact = await db.Contacts.AsNoTracking()
            .Where(c => c.ExternalId == contactId && db.Accounts.Any(a => a.Id == c.AccountId && a.ExternalId == externalId))
            .FirstOrDefaultAsync(ct);
        return contact is null
            ? ApiProblems.NotFound("Contact", $"Account '{externalId}' has no contact '{contactId}'.")
            : TypedResults.Ok(ToResponse(externalId, contact));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteContactAsync(string externalId, string contactId, PortalDb db, TimeProvider time, CancellationToken ct)
    {
        var contact = await db.Contacts
            .Where(c => c.ExternalId == contactId && db.Accounts.Any(a => a.Id == c.AccountId && a.ExternalId == externalId))
            .FirstOrDefaultAsync(ct);
        if (contact is null)
        {
            return ApiProblems.NotFound("Contact", $"Account '{externalId}' has no contact '{contactId}'.");
        }

        if (contact.IsActive)
        {
            contact.IsActive = false;
            contact.UpdatedAt = ApiWrites.Now(time);
            await db.SaveChangesAsync(ct);
        }

        return TypedResults.NoContent();
    }

    internal static Task<long?> AccountIdAsync(PortalDb db, string externalId, CancellationToken ct) =>
        db.Accounts.Where(a => a.ExternalId == externalId).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);

    internal static string Location(string externalId) => $"/api/v1/accounts/{Uri.EscapeDataString(externalId)}";

    /// <summary>Digits only, so that registration by phone number compares exactly.</summary>
    private static string? Phone(ApiErrors e, string field, string? value, int maxDigits)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var digits = new string(value.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length is < 4 || digits.Length > maxDigits || value.Any(c => !char.IsAsciiDigit(c) && " +-().".IndexOf(c, StringComparison.Ordinal) < 0))
        {
            e.Add(field, $"A phone number of 4 to {maxDigits} digits (spaces, +, -, ( ) and . are allowed and dropped).");
        }

        return digits;
    }

    /// <summary>True when <paramref name="candidate"/> sits below the account: making it the parent would close a loop.</summary>
    private static async Task<bool> IsDescendantAsync(PortalDb db, Account candidate, long accountId, CancellationToken ct)
    {
        // Hierarchies are shallow (a parent and its subsidiaries); the bound stops a loop already in the data.
        var next = candidate.ParentAccountId;
        for (var depth = 0; next is not null && depth < 50; depth++)
        {
            if (next == accountId)
            {
                return true;
            }

            next = await db.Accounts.Where(a => a.Id == next).Select(a => a.ParentAccountId).FirstOrDefaultAsync(ct);
        }

        return next is not null;
    }

    private static async Task<bool> HasDocumentsAsync(PortalDb db, long accountId, CancellationToken ct) =>
        await db.Invoices.AnyAsync(i => i.AccountId == accountId, ct)
        || await db.CreditMemos.AnyAsync(c => c.AccountId == accountId, ct)
        || await db.Payments.AnyAsync(p => p.AccountId == accountId, ct);

    private static AccountResponse ToResponse(Account a, string? parent) => new(
        a.ExternalId, a.Number, a.Name, a.Email, a.Phone, a.PostalCode, a.AddressLine1, a.AddressLine2, a.City, a.Region, a.Country,
        a.Currency, a.BillDay, parent, a.BilledToParent, a.Type, a.PortalEnabled, a.Branch, a.CreatedAt, a.UpdatedAt);

    private static ContactResponse ToResponse(string account, Contact c) =>
        new(account, c.ExternalId, c.Name, c.Title, c.Email, c.Phone, c.Role, c.IsPrimary, c.IsActive, c.UpdatedAt);
}
