using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Invoices;
using Portal.Features.Ledger;
using Portal.Infrastructure.Api;

namespace Portal.Features.Credits;

/// <summary>
/// <c>/api/v1/credits/{externalId}</c>: credit memos and how they are applied to invoices. The
/// <c>applications</c> sent are the whole set: when they (or the amount, or void) differ from what is
/// stored, the old applications are released and the new ones applied through the ledger, in one
/// transaction; re-sending the same body changes nothing.
/// </summary>
public static class CreditsApi
{
    public sealed record CreditRequest
    {
        /// <summary>The account's externalId.</summary>
        [Required]
        public string? Account { get; init; }

        /// <summary>The credit memo number customers see; unique across credit memos.</summary>
        [Required]
        public string? Number { get; init; }

        [Required]
        public DateOnly? Date { get; init; }

        /// <summary>Greater than zero, in the currency's minor unit.</summary>
        [Required]
        public decimal? Amount { get; init; }

        /// <summary>Must be the account's currency.</summary>
        [Required]
        public string? Currency { get; init; }

        /// <summary>What the customer recognises it by: a returned order, an RMA, the invoice it corrects.</summary>
        public string? Reference { get; init; }

        public string? Reason { get; init; }

        public string? Branch { get; init; }

        /// <summary>Voids the credit memo: its applications are released, and it must list none.</summary>
        public bool Void { get; init; }

        /// <summary>Every invoice the credit is applied to, and how much; absent or empty when unapplied.</summary>
        public List<AllocationRequest?>? Applications { get; init; }
    }

    public sealed record CreditResponse(
        string ExternalId,
        string Account,
        string Number,
        DateOnly Date,
        string Currency,
        decimal Amount,
        decimal RemainingAmount,
        string? Reference,
        string? Reason,
        string? Branch,
        bool Void,
        IReadOnlyList<AllocationResponse> Applications,
        DateTime CreatedAt,
        DateTime UpdatedAt);

    public static RouteGroupBuilder MapCreditsApi(this RouteGroupBuilder api)
    {
        api.MapPut("/credits/{externalId}", PutAsync)
            .WithName("PutCredit")
            .WithSummary("Creates or updates a credit memo and its applications to invoices.")
            .WithDescription("201 with a Location header when new, 200 when updated. A changed set of applications releases the old ones and applies the new ones in one transaction. 409 for a duplicate number, a change of account, or applications the invoices cannot take as they are now (errors names the item).")
            .Accepts<CreditRequest>("application/json")
            .ProducesUpsertProblems();
        api.MapGet("/credits/{externalId}", GetAsync)
            .WithName("GetCredit")
            .WithSummary("The credit memo as the portal stores it, with its applications and remaining amount.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Produces(StatusCodes.Status401Unauthorized);
        return api;
    }

    private static Task<Results<Created<CreditResponse>, Ok<CreditResponse>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string externalId, HttpRequest request, [AsParameters] UpsertServices services, Ledger.Ledger ledger, CancellationToken ct) =>
        UpsertEndpoint.HandleAsync<CreditRequest, CreditResponse>(request, $"/api/v1/credits/{Uri.EscapeDataString(externalId)}", body => UpsertAsync(services, ledger, externalId, body, ct), ct);

    private static readonly DocumentWords Words = new("credit memo");

    /// <summary>The upsert itself, shared by the API and the CSV import.</summary>
    public static async Task<UpsertOutcome<CreditResponse>> UpsertAsync(UpsertServices services, Ledger.Ledger ledger, string externalId, CreditRequest body, CancellationToken ct)
    {
        var (db, time, _) = services;
        var e = new ApiErrors();
        e.ExternalId("externalId", externalId);
        var accountExternalId = e.Text("account", body.Account, 100, required: true);
        var number = e.Text("number", body.Number, 50, required: true);
        var date = e.Required("date", body.Date);
        var currency = e.Currency("currency", body.Currency);
        var amount = e.Amount("amount", body.Amount, currency, positive: true);
        var reference = e.Text("reference", body.Reference, 200);
        var reason = e.Text("reason", body.Reason, 500, multiline: true);
        var branch = e.Text("branch", body.Branch, 50);
        var items = ApiAllocations.Read(e, "applications", body.Applications, currency);
        if (items.Sum(i => i.Amount) > amount && !e.AnyUnder("applications"))
        {
            e.Add("applications", "The items add up to more than the credit memo's amount.");
        }
        if (body.Void && items.Count > 0)
        {
            e.Add("applications", "A void credit memo is applied to nothing; send an empty list.");
        }

        var account = await e.AccountAsync(db, "account", accountExternalId, ct);
        if (account is not null && currency is not null && account.Currency != currency)
        {
            e.Add("currency", $"The account bills in {account.Currency}, not {currency}.");
        }

        if (e.Any)
        {
            return new UpsertOutcome<CreditResponse>.Invalid(e);
        }

        var parts = await ApiAllocations.ResolveAsync(db, e, "applications", items, account!.Id, ct);
        if (e.Any)
        {
            return new UpsertOutcome<CreditResponse>.Invalid(e);
        }

        var (credit, refusal) = await ApiWrites.FindAsync<CreditMemo, CreditResponse>(db.CreditMemos, externalId, number!, account.Id, Words, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var current = credit is null
            ? []
            : await db.CreditApplications.Include(a => a.Invoice).Where(a => a.CreditMemoId == credit.Id).OrderBy(a => a.Id).ToListAsync(ct);
        var now = ApiWrites.Now(time);
        var isNew = credit is null;
        var ledgerChanges = isNew || credit!.Amount != amount || credit.IsVoid != body.Void || !ApiAllocations.Same(current.Select(a => (a.InvoiceId, a.Amount)), parts);
        credit ??= db.CreditMemos.Add(new CreditMemo { AccountId = account.Id, ExternalId = externalId, Number = number!, Currency = currency!, CreatedAt = now, UpdatedAt = now }).Entity;
        credit.Number = number!;
        credit.Date = date;
        credit.Currency = currency!;
        credit.Reference = reference;
        credit.Reason = reason;
        credit.Branch = branch;

        var applications = current;
        if (ledgerChanges)
        {
            if (!isNew)
            {
                ledger.ReleaseCredit(credit, current, new Dictionary<long, Invoice>());
                db.CreditApplications.RemoveRange(current);
            }

            credit.Amount = amount;
            credit.RemainingAmount = amount;
            credit.IsVoid = body.Void;
            applications = [];
            if (ledger.ApplyCredit(credit, applications, parts) is Ledger.LedgerResult.Refused refused)
            {
                return ApiAllocations.Refused<CreditResponse>(refused);
            }
        }

        var changed = !isNew && ApiWrites.IsChanged(db, credit);
        if (changed)
        {
            credit.UpdatedAt = now;
            if (!ledgerChanges)
            {
                credit.Version++;
            }
        }

        var log = services.Log;
        var conflict = isNew && applications.Count > 0
            ? await ApiWrites.CommitAsync<CreditResponse>(db, log, async () =>
            {
                // An application points at its credit memo by id only: a new memo must be saved first.
                await db.SaveChangesAsync(ct);
                foreach (var application in applications)
                {
                    application.CreditMemoId = credit.Id;
                }

                db.CreditApplications.AddRange(applications);
                await db.SaveChangesAsync(ct);
            }, ct)
            : await SaveAsync(db, log, ledgerChanges ? applications : [], ct);
        if (conflict is not null)
        {
            return conflict;
        }

        var response = ToResponse(credit, accountExternalId!, applications.Select(a => ApiAllocations.ToResponse(a.Invoice!, a.Amount)).ToList());
        return isNew ? new UpsertOutcome<CreditResponse>.Created(response) : new UpsertOutcome<CreditResponse>.Updated(response, changed || ledgerChanges);
    }

    private static Task<UpsertOutcome<CreditResponse>?> SaveAsync(PortalDb db, ILogger log, List<CreditApplication> added, CancellationToken ct)
    {
        db.CreditApplications.AddRange(added);
        return ApiWrites.SaveAsync<CreditResponse>(db, log, ct);
    }

    private static async Task<Results<Ok<CreditResponse>, ProblemHttpResult>> GetAsync(string externalId, PortalDb db, CancellationToken ct)
    {
        var row = await db.CreditMemos.AsNoTracking()
            .Where(c => c.ExternalId == externalId)
            .Select(c => new { Credit = c, Account = db.Accounts.Where(a => a.Id == c.AccountId).Select(a => a.ExternalId).First() })
            .FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return ApiProblems.NotFound("Credit memo", $"No credit memo has externalId '{externalId}'.");
        }

        var applications = await db.CreditApplications.AsNoTracking()
            .Where(a => a.CreditMemoId == row.Credit.Id)
            .OrderBy(a => a.Id)
            .Select(a => new AllocationResponse(a.Invoice!.ExternalId, a.Invoice.Number, a.Amount))
            .ToListAsync(ct);
        return TypedResults.Ok(ToResponse(row.Credit, row.Account, applications));
    }

    private static CreditResponse ToResponse(CreditMemo c, string account, IReadOnlyList<AllocationResponse> applications) => new(
        c.ExternalId, account, c.Number, c.Date, c.Currency, c.Amount, c.RemainingAmount, c.Reference, c.Reason, c.Branch, c.IsVoid, applications, c.CreatedAt, c.UpdatedAt);
}
