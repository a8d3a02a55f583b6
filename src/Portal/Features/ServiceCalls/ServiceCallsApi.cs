using Microsoft.EntityFrameworkCore;
using Portal.Features.Requests;
using Portal.Infrastructure.Api;

namespace Portal.Features.ServiceCalls;

/// <summary>
/// The back office's side of service calls: <c>PUT /api/v1/service-calls/{number}</c> updates status and
/// schedule (or creates a call opened by phone), <c>POST /api/v1/service-calls/{number}/comments</c> adds a
/// technician's comment (idempotent by its externalId).
/// </summary>
public static class ServiceCallsApi
{
    public sealed record ServiceCallInput(string? Account, string? ExternalId, string? Subject, string? Description, string? Equipment, string? Priority, string? Status, DateOnly? PreferredDate, DateTime? ScheduledFor);

    public sealed record ServiceCallResponse(string Number, string? ExternalId, string Account, string Subject, ServiceCallStatus Status, ServiceCallPriority Priority, string? Equipment, DateOnly? PreferredDate, DateTime? ScheduledFor, DateTime OpenedAt);

    public sealed record CommentInput(string? ExternalId, string? Author, string? Body, DateTime? CreatedAt);

    public sealed record CommentResponse(string? ExternalId, string Author, string Body, DateTime CreatedAt, bool FromCustomer);

    public static RouteGroupBuilder MapServiceCallsApi(this RouteGroupBuilder api)
    {
        api.MapPut("/service-calls/{number}", (string number, HttpRequest request, [AsParameters] UpsertServices services, RequestMail mail, CancellationToken ct) =>
                UpsertEndpoint.HandleAsync<ServiceCallInput, ServiceCallResponse>(request, $"/api/v1/service-calls/{Uri.EscapeDataString(number)}", input => UpsertAsync(services, mail, number, input, ct), ct))
            .WithName("UpsertServiceCall").WithSummary("Updates a service call's status and schedule, or records one opened outside the portal.").Accepts<ServiceCallInput>("application/json").ProducesUpsertProblems();
        api.MapPost("/service-calls/{number}/comments", (string number, HttpRequest request, [AsParameters] UpsertServices services, RequestMail mail, CancellationToken ct) =>
                UpsertEndpoint.HandleAsync<CommentInput, CommentResponse>(request, $"/api/v1/service-calls/{Uri.EscapeDataString(number)}/comments", input => AddCommentAsync(services, mail, number, input, ct), ct))
            .WithName("AddServiceCallComment").WithSummary("Adds a comment from the operator to a service call's thread (e-mailed to the people following it); re-sending the same externalId adds nothing.").Accepts<CommentInput>("application/json").ProducesUpsertProblems(notFound: true);
        return api;
    }

    private static readonly DocumentWords Words = new("service call");

    /// <summary>A partial update: a field left out keeps what is stored (a call opened in the portal is only moved along by the back office).</summary>
    public static async Task<UpsertOutcome<ServiceCallResponse>> UpsertAsync(UpsertServices services, RequestMail mail, string number, ServiceCallInput input, CancellationToken ct)
    {
        var (db, time, _) = services;
        var e = new ApiErrors();
        e.ExternalId("number", number);
        if (number.Length > 50)
        {
            e.Add("number", "At most 50 characters.");
        }

        var externalId = e.Text("externalId", input.ExternalId, 100);
        var account = await e.AccountAsync(db, "account", input.Account, ct);
        var call = e.Any ? null : await db.ServiceCalls.FirstOrDefaultAsync(s => s.Number == number, ct);
        var subject = e.Text("subject", input.Subject, 200, required: call is null);
        var description = e.Text("description", input.Description, 4000, required: call is null, multiline: true);
        var equipment = e.Text("equipment", input.Equipment, 200);
        var status = e.Enum<ServiceCallStatus>("status", input.Status);
        var priority = e.Enum<ServiceCallPriority>("priority", input.Priority);
        if (e.Any)
        {
            return new UpsertOutcome<ServiceCallResponse>.Invalid(e);
        }

        if (call is not null && call.AccountId != account!.Id)
        {
            return ApiWrites.OtherAccount<ServiceCallResponse>(Words, number);
        }

        var now = ApiWrites.Now(time);
        var created = call is null;
        var changed = false;
        var refusal = await ApiWrites.CommitAsync<ServiceCallResponse>(db, services.Log, async () =>
        {
            call ??= db.ServiceCalls.Add(new ServiceCall { Number = number, Subject = subject!, Description = description!, AccountId = account!.Id, OpenedAt = now, UpdatedAt = now }).Entity;
            call.ExternalId = externalId ?? call.ExternalId;
            call.Subject = subject ?? call.Subject;
            call.Description = description ?? call.Description;
            call.Equipment = equipment ?? call.Equipment;
            call.Priority = priority ?? call.Priority;
            call.Status = status ?? call.Status;
            call.PreferredDate = input.PreferredDate ?? call.PreferredDate;
            call.ScheduledFor = input.ScheduledFor?.ToUniversalTime() ?? call.ScheduledFor;
            changed = !created && ApiWrites.HasChanges(db);
            if (changed)
            {
                call.UpdatedAt = now;
            }

            await db.SaveChangesAsync(ct);

            // The hub's entry follows the call's status (a call opened by phone gets one too).
            var entry = await CustomerRequestHub.FindAsync(db, RequestKind.ServiceCall, call.Id, ct)
                ?? CustomerRequestHub.Open(db, call.AccountId, RequestKind.ServiceCall, call.Number, call.Subject, CustomerRequestHub.StatusName(call.Status), call.Id, call.OpenedByUserId, call.OpenedAt);
            var statusName = CustomerRequestHub.StatusName(call.Status);
            entry.Subject = call.Subject;
            // A move says so in the thread, and the people following the call are told, in this transaction.
            var moved = created ? null : CustomerRequestHub.MoveAndPost(db, entry, statusName, ServiceCall.IsOpenStatus(call.Status), MessageSide.BillingSystem, null, "Billing system", now);
            await db.SaveChangesAsync(ct);
            if (moved is not null)
            {
                await mail.NotifyFollowersAsync(entry, moved, null, ct);
                await db.SaveChangesAsync(ct);
            }
        }, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var stored = call!;
        var response = new ServiceCallResponse(stored.Number, stored.ExternalId, input.Account!.Trim(), stored.Subject, stored.Status, stored.Priority, stored.Equipment, stored.PreferredDate, stored.ScheduledFor, stored.OpenedAt);
        return created ? new UpsertOutcome<ServiceCallResponse>.Created(response) : new UpsertOutcome<ServiceCallResponse>.Updated(response, changed);
    }

    /// <summary>Idempotent by the comment's externalId: sent again, it is answered as stored and nothing is added.</summary>
    public static async Task<UpsertOutcome<CommentResponse>> AddCommentAsync(UpsertServices services, RequestMail mail, string number, CommentInput input, CancellationToken ct)
    {
        var (db, time, _) = services;
        var call = await db.ServiceCalls.AsNoTracking().Where(s => s.Number == number).Select(s => new { s.Id, s.AccountId, s.Number, s.Subject, s.Status, s.OpenedByUserId, s.OpenedAt }).FirstOrDefaultAsync(ct);
        if (call is null)
        {
            return new UpsertOutcome<CommentResponse>.Missing("Service call", $"No service call has number '{number}'.");
        }

        var e = new ApiErrors();
        var externalId = e.Text("externalId", input.ExternalId, 100, required: true);
        var author = e.Text("author", input.Author, 200, required: true);
        var body = e.Text("body", input.Body, CustomerRequestHub.MaxBodyLength, required: true, multiline: true);
        if (e.Any)
        {
            return new UpsertOutcome<CommentResponse>.Invalid(e);
        }

        var existing = await db.RequestMessages.AsNoTracking().Where(m => m.ExternalId == externalId)
            .Join(db.CustomerRequests, m => m.RequestId, r => r.Id, (m, r) => new { m.ExternalId, m.AuthorName, m.Body, m.CreatedAt, m.Side, r.Kind, r.SubjectId })
            .FirstOrDefaultAsync(ct);
        if (existing is not null)
        {
            return existing.Kind == RequestKind.ServiceCall && existing.SubjectId == call.Id
                ? new UpsertOutcome<CommentResponse>.Updated(new CommentResponse(existing.ExternalId, existing.AuthorName, existing.Body, existing.CreatedAt, existing.Side == MessageSide.Customer), Changed: false)
                : new UpsertOutcome<CommentResponse>.Conflict("Comment id in use", $"Comment '{externalId}' belongs to another service call.");
        }

        var now = ApiWrites.Now(time);
        RequestMessage? message = null;
        var refusal = await ApiWrites.CommitAsync<CommentResponse>(db, services.Log, async () =>
        {
            var entry = await CustomerRequestHub.FindAsync(db, RequestKind.ServiceCall, call.Id, ct);
            if (entry is null)
            {
                entry = CustomerRequestHub.Open(db, call.AccountId, RequestKind.ServiceCall, call.Number, call.Subject, CustomerRequestHub.StatusName(call.Status), call.Id, call.OpenedByUserId, call.OpenedAt);
                await db.SaveChangesAsync(ct);
            }

            message = CustomerRequestHub.Post(db, entry, MessageSide.BillingSystem, null, author!, body!, input.CreatedAt?.ToUniversalTime() ?? now, externalId);
            await mail.NotifyFollowersAsync(entry, message, null, ct);
            await db.SaveChangesAsync(ct);
        }, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        return new UpsertOutcome<CommentResponse>.Created(new CommentResponse(message!.ExternalId, message.AuthorName, message.Body, message.CreatedAt, false));
    }
}
