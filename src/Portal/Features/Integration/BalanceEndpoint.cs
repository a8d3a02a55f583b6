using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Ledger;
using Portal.Infrastructure;
using Portal.Infrastructure.Api;

namespace Portal.Features.Integration;

/// <summary><c>GET /api/v1/accounts/{externalId}/balance</c>: what the portal shows the customer as owed.</summary>
public static class BalanceEndpoint
{
    public sealed record BalanceResponse(string AccountExternalId, string Currency, decimal Balance, decimal AmountDue, decimal OpenInvoicesTotal, decimal UnappliedCredits, decimal UnappliedPayments, int OpenInvoiceCount, int OverdueInvoiceCount);

    public static RouteGroupBuilder MapBalanceEndpoint(this RouteGroupBuilder api)
    {
        api.MapGet("/accounts/{externalId}/balance", GetAsync)
            .WithName("GetAccountBalance")
            .WithSummary("The account's balance and amount due now, as the portal shows them.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Results<Ok<BalanceResponse>, ProblemHttpResult>> GetAsync(string externalId, PortalDb db, OperatorClock clock, CancellationToken ct)
    {
        var accountId = await db.Accounts.Where(a => a.ExternalId == externalId).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
        if (accountId is null)
        {
            return ApiProblems.NotFound("Account", $"No account has externalId '{externalId}'.");
        }

        var f = await AccountFigures.LoadAsync(db, accountId.Value, await clock.TodayAsync(ct), ct);
        return TypedResults.Ok(new BalanceResponse(externalId, f.Currency, f.Balance, f.AmountDueNow, f.OpenInvoicesTotal, f.UnappliedCredits, f.UnappliedPayments, f.OpenInvoiceCount, f.OverdueInvoiceCount));
    }
}
