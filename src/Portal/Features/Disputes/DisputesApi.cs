using Microsoft.EntityFrameworkCore;
using Portal.Features.Requests;
using Portal.Infrastructure.Api;

namespace Portal.Features.Disputes;

/// <summary>
/// The billing system's side of invoice disputes: <c>PUT /api/v1/disputes/{number}</c> resolves one
/// (credited, explained or rejected, with a note the customer reads). Sending the same resolution again
/// changes nothing; another one for a dispute already resolved is a conflict.
/// </summary>
public static class DisputesApi
{
    public sealed record DisputeInput(string? Resolution, string? Note, string? Author);

    public sealed record DisputeResponse(string Number, string Invoice, string Status, string? Resolution, string? Note, string Currency, decimal Amount, DateTime OpenedAt, DateTime? ResolvedAt);

    public static RouteGroupBuilder MapDisputesApi(this RouteGroupBuilder api)
    {
        api.MapPut("/disputes/{number}", (string number, HttpRequest request, [AsParameters] UpsertServices services, DisputeService disputes, CancellationToken ct) =>
                UpsertEndpoint.HandleAsync<DisputeInput, DisputeResponse>(request, $"/api/v1/disputes/{Uri.EscapeDataString(number)}", input => ResolveAsync(services, disputes, number, input, ct), ct))
            .WithName("ResolveDispute").WithSummary("Resolves an invoice dispute (credited, explained or rejected) with a note for the customer; emits dispute.resolved.")
            .Accepts<DisputeInput>("application/json").ProducesUpsertProblems(notFound: true);
        return api;
    }

    public static async Task<UpsertOutcome<DisputeResponse>> ResolveAsync(UpsertServices services, DisputeService disputes, string number, DisputeInput input, CancellationToken ct)
    {
        var (db, time, _) = services;
        var dispute = await db.InvoiceDisputes.FirstOrDefaultAsync(d => d.Number == number, ct);
        if (dispute is null)
        {
            return new UpsertOutcome<DisputeResponse>.Missing("Dispute", $"No dispute has number '{number}'.");
        }

        var e = new ApiErrors();
        var resolution = e.Enum<DisputeResolution>("resolution", input.Resolution);
        if (resolution is null or DisputeResolution.None && !e.Any)
        {
            e.Add("resolution", "Required: credited, explained or rejected.");
        }

        var note = e.Text("note", input.Note, 2000, multiline: true);
        var author = e.Text("author", input.Author, 200);
        if (e.Any)
        {
            return new UpsertOutcome<DisputeResponse>.Invalid(e);
        }

        var invoice = await db.Invoices.Where(i => i.Id == dispute.InvoiceId).Select(i => i.Number).FirstAsync(ct);
        if (dispute.Status == DisputeStatus.Resolved)
        {
            return dispute.Resolution == resolution
                ? new UpsertOutcome<DisputeResponse>.Updated(Response(dispute, invoice), Changed: false)
                : new UpsertOutcome<DisputeResponse>.Conflict("Dispute already resolved", $"Dispute '{number}' is already resolved as {CustomerRequestHub.StatusName(dispute.Resolution)}.");
        }

        var now = ApiWrites.Now(time);
        var refusal = await ApiWrites.CommitAsync<DisputeResponse>(db, services.Log, async () =>
        {
            var entry = await CustomerRequestHub.FindAsync(db, RequestKind.Dispute, dispute.Id, ct)
                ?? throw new InvalidOperationException($"Dispute {dispute.Number} has no hub entry.");
            await disputes.ResolveAsync(dispute, entry, resolution!.Value, note, MessageSide.BillingSystem, null, author ?? "Billing", now, ct);
            await db.SaveChangesAsync(ct);
        }, ct);
        return refusal ?? new UpsertOutcome<DisputeResponse>.Updated(Response(dispute, invoice), Changed: true);
    }

    private static DisputeResponse Response(InvoiceDispute d, string invoice) => new(
        d.Number, invoice, CustomerRequestHub.StatusName(d.Status), d.Resolution == DisputeResolution.None ? null : CustomerRequestHub.StatusName(d.Resolution),
        d.ResolutionNote, d.Currency, d.Amount, d.OpenedAt, d.ResolvedAt);
}
