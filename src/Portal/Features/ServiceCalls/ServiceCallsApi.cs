using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Integration;

namespace Portal.Features.ServiceCalls;

/// <summary>
/// The back office's side of service calls: <c>PUT /api/v1/service-calls/{number}</c> updates status and
/// schedule (or creates a call opened by phone), <c>POST /api/v1/service-calls/{number}/comments</c> adds a
/// technician's comment (idempotent by its externalId).
/// </summary>
public static class ServiceCallsApi
{
    public sealed record ServiceCallInput(string? Account, string? ExternalId, string? Subject, string? Description, string? Equipment, string? Priority, string? Status, DateOnly? PreferredDate, DateTime? ScheduledFor);

    public sealed record ServiceCallResponse(string Number, string? ExternalId, string Account, string Subject, string Status, string Priority, string? Equipment, DateOnly? PreferredDate, DateTime? ScheduledFor, DateTime OpenedAt);

    public sealed record CommentInput(string? ExternalId, string? Author, string? Body, DateTime? CreatedAt);

    public sealed record CommentResponse(string? ExternalId, string Author, string Body, DateTime CreatedAt, bool FromCustomer);

    public static RouteGroupBuilder MapServiceCallsApi(this RouteGroupBuilder api)
    {
        api.MapPut("/service-calls/{number}", async (string number, ServiceCallInput input, PortalDb db, TimeProvider time, CancellationToken ct) =>
                (await UpsertAsync(db, time, number, input, ct)).ToHttp($"/api/v1/service-calls/{Uri.EscapeDataString(number)}"))
            .WithName("UpsertServiceCall").WithSummary("Updates a service call's status and schedule, or records one opened outside the portal.").ProducesUpsertProblems();
        api.MapPost("/service-calls/{number}/comments", AddCommentAsync)
            .WithName("AddServiceCallComment").WithSummary("Adds a comment from the operator to a service call; re-sending the same externalId adds nothing.").ProducesUpsertProblems(notFound: true);
        return api;
    }

    public static async Task<UpsertOutcome<ServiceCallResponse>> UpsertAsync(PortalDb db, TimeProvider time, string number, ServiceCallInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("number", number, 50);
        errors.Text("externalId", input.ExternalId, 100, required: false);
        var call = await db.ServiceCalls.FirstOrDefaultAsync(s => s.Number == number, ct);
        var account = await errors.AccountAsync(db, "account", input.Account, ct);
        if (call is not null && account is not null && call.AccountId != account.Id)
        {
            errors.Add("account", "The service call belongs to another account.");
        }

        errors.Text("subject", input.Subject, 200, required: call is null);
        errors.Text("description", input.Description, 4000, required: call is null);
        errors.Text("equipment", input.Equipment, 200, required: false);
        var status = errors.Enum<ServiceCallStatus>("status", input.Status);
        var priority = errors.Enum<ServiceCallPriority>("priority", input.Priority);

        if (errors.Any)
        {
            return new UpsertOutcome<ServiceCallResponse>.Invalid(errors);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var created = call is null;
        call ??= db.ServiceCalls.Add(new ServiceCall { Number = number, Subject = input.Subject!, Description = input.Description!, AccountId = account!.Id, OpenedAt = now }).Entity;
        call.ExternalId = input.ExternalId ?? call.ExternalId;
        call.Subject = input.Subject ?? call.Subject;
        call.Description = input.Description ?? call.Description;
        call.Equipment = input.Equipment ?? call.Equipment;
        call.Priority = priority ?? call.Priority;
        call.Status = status ?? call.Status;
        call.PreferredDate = input.PreferredDate ?? call.PreferredDate;
        call.ScheduledFor = input.ScheduledFor?.ToUniversalTime() ?? call.ScheduledFor;
        call.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        var response = new ServiceCallResponse(call.Number, call.ExternalId, input.Account!, call.Subject, call.Status.ToString(), call.Priority.ToString(), call.Equipment, call.PreferredDate, call.ScheduledFor, call.OpenedAt);
        return created ? new UpsertOutcome<ServiceCallResponse>.Created(response) : new UpsertOutcome<ServiceCallResponse>.Updated(response);
    }

    private static async Task<Results<Created<CommentResponse>, Ok<CommentResponse>, ValidationProblem, ProblemHttpResult>> AddCommentAsync(
        string number, CommentInput input, PortalDb db, TimeProvider time, CancellationToken ct)
    {
        var call = await db.ServiceCalls.Where(s => s.Number == number).Select(s => new { s.Id }).FirstOrDefaultAsync(ct);
        if (call is null)
        {
            return ApiProblems.NotFound("Service call", $"No service call has number '{number}'.");
        }

        var errors = new FieldErrors();
        errors.Text("externalId", input.ExternalId, 100);
        errors.Text("author", input.Author, 200);
        errors.Text("body", input.Body, 4000);
        if (errors.Any)
        {
            return ApiProblems.Invalid(errors.ToDictionary());
        }

        var existing = await db.ServiceCallComments.AsNoTracking().FirstOrDefaultAsync(c => c.ExternalId == input.ExternalId, ct);
        if (existing is not null)
        {
            return existing.ServiceCallId == call.Id
                ? TypedResults.Ok(new CommentResponse(existing.ExternalId, existing.Author, existing.Body, existing.CreatedAt, existing.FromCustomer))
                : ApiProblems.Conflict("Comment id in use", $"Comment '{input.ExternalId}' belongs to another service call.");
        }

        var comment = new ServiceCallComment
        {
            ServiceCallId = call.Id,
            ExternalId = input.ExternalId,
            Author = input.Author!,
            Body = input.Body!,
            FromCustomer = false,
            CreatedAt = input.CreatedAt?.ToUniversalTime() ?? time.GetUtcNow().UtcDateTime,
        };
        db.ServiceCallComments.Add(comment);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/service-calls/{Uri.EscapeDataString(number)}/comments", new CommentResponse(comment.ExternalId, comment.Author, comment.Body, comment.CreatedAt, false));
    }
}
