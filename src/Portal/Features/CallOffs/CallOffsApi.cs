using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Requests;
using Portal.Infrastructure.Api;
using Portal.Infrastructure.Paging;

namespace Portal.Features.CallOffs;

/// <summary>
/// <c>PUT /api/v1/calloffs/{number}</c>: the billing system moves a call-off on (acknowledged, scheduled,
/// picked up, cancelled), which e-mails the requester; <c>GET /api/v1/calloffs</c> lists them, keyset-paged by id.
/// </summary>
public static class CallOffsApi
{
    public const int PageSize = 100;

    public sealed record CallOffStatusInput(string? Status, string? Note);

    public sealed record CallOffLineResponse(string ContractNumber, string ProductCode, string Description, string? AssetNumber, decimal Quantity);

    public sealed record CallOffResponse(string Number, string Account, CallOffStatus Status, DateOnly PickupDate, string ContactName, string ContactPhone, string? Notes, string? StatusNote, DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<CallOffLineResponse> Lines);

    public sealed record CallOffPage(IReadOnlyList<CallOffResponse> Items, string? Next);

    /// <summary>What the status endpoint needs besides the upsert's own services (one parameter, see STYLE.md).</summary>
    public sealed record CallOffApiServices(PortalDb Db, TimeProvider Time, ILoggerFactory Loggers, CallOffService CallOffs);

    public static RouteGroupBuilder MapCallOffsApi(this RouteGroupBuilder api)
    {
        api.MapPut("/calloffs/{number}", (string number, HttpRequest request, [AsParameters] CallOffApiServices services, CancellationToken ct) =>
                UpsertEndpoint.HandleAsync<CallOffStatusInput, CallOffResponse>(request, $"/api/v1/calloffs/{Uri.EscapeDataString(number)}", input => MoveAsync(services, number, input, ct), ct))
            .WithName("UpdateCallOff").WithSummary("Moves a customer's call-off on: acknowledged, scheduled, pickedUp or cancelled, with an optional note; the requester is e-mailed.")
            .Accepts<CallOffStatusInput>("application/json").ProducesUpsertProblems(notFound: true);
        api.MapGet("/calloffs", async Task<Results<Ok<CallOffPage>, ValidationProblem>> (string? after, PortalDb db, CancellationToken ct) =>
            {
                if (!string.IsNullOrEmpty(after) && KeysetCursor.Decode(after, "id") is null)
                {
                    return ApiProblems.Invalid("after", "Not a cursor this list gave out; start without it.");
                }

                var page = await Keyset.ReadAsync(db.CallOffs.AsNoTracking(), "id", c => c.Id, c => c.Id, false, after, c => c.Id, id => (id, id), PageSize, ct);
                return TypedResults.Ok(new CallOffPage(await ReadAsync(db, page.Rows, ct), page.Next));
            })
            .WithName("ListCallOffs").WithSummary("Call-offs in the order they were sent, 100 a page; pass the previous page's next as after.")
            .ProducesValidationProblem().Produces(StatusCodes.Status401Unauthorized);
        return api;
    }

    public static async Task<UpsertOutcome<CallOffResponse>> MoveAsync(CallOffApiServices services, string number, CallOffStatusInput input, CancellationToken ct)
    {
        var db = services.Db;
        var e = new ApiErrors();
        var status = e.Enum<CallOffStatus>("status", input.Status?.Replace("_", "", StringComparison.Ordinal));
        if (input.Status is null)
        {
            e.Add("status", "Required.");
        }

        var note = e.Text("note", input.Note, 500, multiline: true);
        if (e.Any)
        {
            return new UpsertOutcome<CallOffResponse>.Invalid(e);
        }

        var callOff = await db.CallOffs.AsNoTracking().Include(c => c.Lines).FirstOrDefaultAsync(c => c.Number == number, ct);
        if (callOff is null)
        {
            return new UpsertOutcome<CallOffResponse>.Missing("Call-off", $"No call-off has number '{number}'.");
        }

        var to = status!.Value;
        if (!CallOff.CanMove(callOff.Status, to))
        {
            return new UpsertOutcome<CallOffResponse>.Conflict("Status move not allowed",
                $"Call-off {number} is {ApiEnums.Name(callOff.Status)}; it cannot move to {ApiEnums.Name(to)}.",
                new Dictionary<string, string[]> { ["status"] = [$"Cannot move from {ApiEnums.Name(callOff.Status)} to {ApiEnums.Name(to)}."] });
        }

        if (callOff.Status == to && note == callOff.StatusNote)
        {
            return new UpsertOutcome<CallOffResponse>.Updated((await ReadAsync(db, [callOff.Id], ct))[0], Changed: false);
        }

        var now = ApiWrites.Now(services.Time);
        var refusal = await ApiWrites.CommitAsync<CallOffResponse>(db, services.Loggers.CreateLogger("Portal.Api.Upserts"), async () =>
        {
            if (!await services.CallOffs.MoveAsync(callOff, to, note, MessageSide.BillingSystem, null, "Billing system", now, ct))
            {
                throw new DbUpdateConcurrencyException("The call-off moved meanwhile.");
            }
        }, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        return new UpsertOutcome<CallOffResponse>.Updated((await ReadAsync(db, [callOff.Id], ct))[0]);
    }

    private static async Task<List<CallOffResponse>> ReadAsync(PortalDb db, IReadOnlyList<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var rows = await db.CallOffs.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new { CallOff = c, Account = db.Accounts.Where(a => a.Id == c.AccountId).Select(a => a.ExternalId).First() })
            .ToListAsync(ct);
        var lines = (await db.CallOffLines.AsNoTracking().Where(x => ids.Contains(x.CallOffId)).OrderBy(x => x.Id).ToListAsync(ct)).ToLookup(x => x.CallOffId);
        return rows.OrderBy(r => r.CallOff.Id).Select(r => new CallOffResponse(r.CallOff.Number, r.Account, r.CallOff.Status, r.CallOff.PickupDate, r.CallOff.ContactName, r.CallOff.ContactPhone,
            r.CallOff.Notes, r.CallOff.StatusNote, r.CallOff.CreatedAt, r.CallOff.UpdatedAt,
            lines[r.CallOff.Id].Select(x => new CallOffLineResponse(x.ContractNumber, x.ProductCode, x.Description, x.AssetNumber, x.Quantity)).ToList())).ToList();
    }
}
