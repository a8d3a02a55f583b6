using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Accounts;
using Portal.Infrastructure.Api;

namespace Portal.Features.Invitations;

/// <summary>
/// <c>POST /api/v1/accounts/{externalId}/invitations</c>: the billing system invites a person to an account.
/// The invitation e-mail is queued in the same transaction; the answer carries the link's expiry.
/// </summary>
public static class InvitationsApi
{
    public sealed record InvitationRequest(string? Email, IReadOnlyList<string>? Permissions);

    public sealed record InvitationResponse(long Id, string Account, string Email, IReadOnlyList<string> Permissions, DateTime ExpiresAt);

    /// <summary>The permission names the API accepts, camelCase as everywhere in the API.</summary>
    private static readonly Dictionary<string, Permissions> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["view"] = Accounts.Permissions.View,
        ["pay"] = Accounts.Permissions.Pay,
        ["order"] = Accounts.Permissions.Order,
        ["quote"] = Accounts.Permissions.Quote,
        ["serviceCalls"] = Accounts.Permissions.ServiceCalls,
        ["manageUsers"] = Accounts.Permissions.ManageUsers,
        ["seeMoney"] = Accounts.Permissions.SeeMoney,
    };

    public static RouteGroupBuilder MapInvitationsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/accounts/{externalId}/invitations", PostAsync)
            .WithName("InviteUser")
            .WithSummary("Invites an e-mail address to the account with the given permissions (view is always included). The link is valid for the operator's invitation lifetime.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Results<Created<InvitationResponse>, ValidationProblem, ProblemHttpResult>> PostAsync(
        string externalId, InvitationRequest request, PortalDb db, InvitationService invitations, CancellationToken ct)
    {
        var accountId = await db.Accounts.Where(a => a.ExternalId == externalId).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
        if (accountId is null)
        {
            return ApiProblems.NotFound("Account", $"No account has externalId '{externalId}'.");
        }

        var permissions = Accounts.Permissions.View;
        foreach (var (name, i) in (request.Permissions ?? []).Select((n, i) => (n, i)))
        {
            if (name is null || !Names.TryGetValue(name, out var permission))
            {
                return ApiProblems.Invalid($"permissions[{i}]", $"One of: {string.Join(", ", Names.Keys)}.");
            }

            permissions |= permission;
        }

        var email = request.Email?.Trim() ?? "";
        return await invitations.InviteAsync(accountId.Value, email, permissions, invitedByUserId: null, ct) switch
        {
            InvitationResult.Success s => TypedResults.Created(
                $"/api/v1/accounts/{Uri.EscapeDataString(externalId)}/invitations/{s.InvitationId}",
                new InvitationResponse(s.InvitationId, externalId, email, Names.Where(n => permissions.HasFlag(n.Value)).Select(n => n.Key).ToList(), s.ExpiresAt)),
            InvitationResult.Invalid invalid => ApiProblems.Invalid(invalid.Field, invalid.Message),
            _ => ApiProblems.NotFound("Account", $"No account has externalId '{externalId}'."),
        };
    }
}
