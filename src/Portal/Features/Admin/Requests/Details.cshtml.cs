using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Admin.Audit;
using Portal.Features.CallOffs;
using Portal.Features.Disputes;
using Portal.Features.Requests;
using Portal.Features.ServiceCalls;
using Portal.Infrastructure.Events;

namespace Portal.Features.Admin.Requests;

/// <summary>
/// One customer request in the console: its thread and files; reply (the customer sees it and is
/// e-mailed), change its status (service calls, disputes and call-offs, each sent to the billing system; quotes move in their own feature),
/// assign it. Each action is one transaction with its staff audit entry. Orders are listed read only: their lines
/// are shown, and the billing system moves them.
/// </summary>
public sealed class DetailsModel(PortalDb db, TimeProvider time, RequestMail mail, DisputeService disputes, CallOffService calloffs, IntegrationEvents events, StaffAudit audit) : PageModel
{
    public CustomerRequest Item { get; private set; } = null!;

    public string AccountLabel { get; private set; } = "";

    public RequestThread Thread { get; private set; } = RequestThread.Empty;

    public IReadOnlyList<(string Id, string Name)> Staff { get; private set; } = [];

    /// <summary>The statuses staff may move this request to (empty when its kind moves elsewhere).</summary>
    public IReadOnlyList<string> Statuses { get; private set; } = [];

    public string? Error { get; private set; }

    /// <summary>An order: shown read only (the billing system moves it; nobody answers it here).</summary>
    public bool IsReadOnly => Item.Kind == RequestKind.Order;

    /// <summary>The order's own figures and lines, when the request is an order.</summary>
    public OrderSummary? Order { get; private set; }

    [TempData]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostReplyAsync(long id, string? body, CancellationToken ct)
    {
        var request = await db.CustomerRequests.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (request is null)
        {
            return NotFound();
        }

        if (request.Kind == RequestKind.Order)
        {
            return await RefuseAsync(id, ReadOnlyError, ct);
        }

        body = body?.Trim();
        if (string.IsNullOrEmpty(body) || body.Length > CustomerRequestHub.MaxBodyLength)
        {
            return await RefuseAsync(id, $"Write a reply of at most {CustomerRequestHub.MaxBodyLength} characters.", ct);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var (userId, name) = await MeAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var message = CustomerRequestHub.Post(db, request, MessageSide.Staff, userId, name, body, now);
        await db.SaveChangesAsync(ct);
        await mail.NotifyFollowersAsync(request, message, null, ct);
        audit.Record("request.replied", "request", request.Number, null, new { kind = request.Kind.ToString(), messageId = message.Id, length = body.Length });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        Done = "Reply sent; the customer was e-mailed.";
        return Redirect($"/admin/requests/{id}");
    }

    public async Task<IActionResult> OnPostStatusAsync(long id, string? status, string? note, CancellationToken ct)
    {
        var request = await db.CustomerRequests.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (request is null)
        {
            return NotFound();
        }

        if (request.Kind == RequestKind.Order)
        {
            return await RefuseAsync(id, ReadOnlyError, ct);
        }

        if (status is null || !StatusesOf(request).Contains(status))
        {
            return await RefuseAsync(id, "Choose a status from the list.", ct);
        }

        if (note is { Length: > 2000 })
        {
            return await RefuseAsync(id, "The note can be at most 2000 characters.", ct);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var before = request.Status;
        var (userId, name) = await MeAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        switch (request.Kind)
        {
            case RequestKind.ServiceCall:
                var call = await db.ServiceCalls.FirstAsync(s => s.Id == request.SubjectId, ct);
                var from = call.Status;
                call.Status = Enum.GetValues<ServiceCallStatus>().First(s => CustomerRequestHub.StatusName(s) == status);
                call.UpdatedAt = now;
                if (CustomerRequestHub.MoveAndPost(db, request, status, ServiceCall.IsOpenStatus(call.Status), MessageSide.Staff, userId, name, now) is { } moved)
                {
                    // The billing system hears of a staff move as of the customer's own (service_call.closed).
                    var externalId = await db.Accounts.Where(a => a.Id == call.AccountId).Select(a => a.ExternalId).FirstAsync(ct);
                    events.Record("service_call.status_changed", call.AccountId, externalId, new
                    {
                        number = call.Number,
                        externalId = call.ExternalId,
                        from = CustomerRequestHub.StatusName(from),
                        status,
                        note,
                        changedAt = now,
                        changedBy = name,
                    });
                    await db.SaveChangesAsync(ct);
                    await mail.NotifyFollowersAsync(request, moved, null, ct);
                }

                break;
            case RequestKind.CallOff:
                var callOff = await db.CallOffs.AsNoTracking().Include(c => c.Lines).FirstAsync(c => c.Id == request.SubjectId, ct);
                var to = Enum.GetValues<CallOffStatus>().First(s => CustomerRequestHub.StatusName(s) == status);
                if (!CallOff.CanMove(callOff.Status, to) || !await calloffs.MoveAsync(callOff, to, string.IsNullOrWhiteSpace(note) ? callOff.StatusNote : note.Trim(), MessageSide.Staff, userId, name, now, ct))
                {
                    return await RefuseAsync(id, "This call-off has moved meanwhile; choose its next status again.", ct);
                }

                break;
            case RequestKind.Dispute:
                var dispute = await db.InvoiceDisputes.FirstAsync(d => d.Id == request.SubjectId, ct);
                if (dispute.Status != DisputeStatus.Open)
                {
                    return await RefuseAsync(id, "This dispute is already resolved.", ct);
                }

                var resolution = Enum.GetValues<DisputeResolution>().First(r => CustomerRequestHub.StatusName(r) == status);
                await disputes.ResolveAsync(dispute, request, resolution, note, MessageSide.Staff, userId, name, now, ct);
                break;
        }

        audit.Record("request.status_changed", "request", request.Number, new { status = before }, new { status, note });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        Done = "Status changed.";
        return Redirect($"/admin/requests/{id}");
    }

    public async Task<IActionResult> OnPostAssignAsync(long id, string? staffUserId, CancellationToken ct)
    {
        var request = await db.CustomerRequests.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (request is null)
        {
            return NotFound();
        }

        if (request.Kind == RequestKind.Order)
        {
            return await RefuseAsync(id, ReadOnlyError, ct);
        }

        staffUserId = string.IsNullOrEmpty(staffUserId) ? null : staffUserId;
        if (staffUserId is not null && !await db.Users.AnyAsync(u => u.Id == staffUserId && u.IsStaff, ct))
        {
            return await RefuseAsync(id, "Choose a staff member from the list.", ct);
        }

        var before = request.AssignedStaffUserId;
        request.AssignedStaffUserId = staffUserId;
        audit.Record("request.assigned", "request", request.Number, new { assignedTo = before }, new { assignedTo = staffUserId });
        await db.SaveChangesAsync(ct);
        Done = staffUserId is null ? "Unassigned." : "Assigned.";
        return Redirect($"/admin/requests/{id}");
    }

    public const string ReadOnlyError = "Orders are read only here: the billing system confirms, ships and cancels them.";

    public sealed record OrderSummary(string Currency, decimal Total, string? PurchaseOrder, DateOnly? RequestedDate, string? DeliveryAddress, string? Notes, IReadOnlyList<OrderSummaryLine> Lines);

    public sealed record OrderSummaryLine(int LineNumber, string ProductCode, string Description, decimal Quantity, string? Unit, decimal Amount);

    public string Status(string status) => RequestMail.StatusName(status, HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<Resources.SharedResource>>());

    private static IReadOnlyList<string> StatusesOf(CustomerRequest request) => request.Kind switch
    {
        RequestKind.ServiceCall => Enum.GetValues<ServiceCallStatus>().Select(CustomerRequestHub.StatusName).ToList(),
        RequestKind.Dispute when request.IsOpen => new[] { DisputeResolution.Credited, DisputeResolution.Explained, DisputeResolution.Rejected }.Select(CustomerRequestHub.StatusName).ToList(),
        // Forward only, as the billing system may move it; nothing once picked up or cancelled.
        RequestKind.CallOff when request.IsOpen && Enum.GetValues<CallOffStatus>().Where(s => CustomerRequestHub.StatusName(s) == request.Status).ToList() is [var current] =>
            Enum.GetValues<CallOffStatus>().Where(s => CallOff.CanMove(current, s)).Select(CustomerRequestHub.StatusName).ToList(),
        _ => [],
    };

    private async Task<IActionResult> RefuseAsync(long id, string error, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Error = error;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<(string UserId, string Name)> MeAsync(CancellationToken ct)
    {
        var userId = User.FindFirstValue(ClaimTypes.NameIdentifier)!;
        var name = await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName ?? u.Email).FirstOrDefaultAsync(ct);
        return (userId, name ?? "Staff");
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var request = await db.CustomerRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (request is null)
        {
            return false;
        }

        Item = request;
        AccountLabel = await db.Accounts.AsNoTracking().Where(a => a.Id == request.AccountId).Select(a => a.Number + " " + a.Name).FirstAsync(ct);
        Thread = await RequestThread.ReadAsync(db, id, "/admin/requests/files/", ct);
        Staff = (await db.Users.AsNoTracking().Where(u => u.IsStaff).OrderBy(u => u.Email).Take(200).Select(u => new { u.Id, Name = u.DisplayName ?? u.Email ?? u.Id }).ToListAsync(ct))
            .Select(u => (u.Id, u.Name)).ToList();
        Statuses = StatusesOf(request);
        if (request.Kind == RequestKind.Order)
        {
            Order = await db.Orders.AsNoTracking().Where(o => o.Id == request.SubjectId)
                .Select(o => new OrderSummary(o.Currency, o.Total, o.PurchaseOrder, o.RequestedDate, o.DeliveryAddress, o.Notes,
                    o.Lines.OrderBy(x => x.LineNumber).Select(x => new OrderSummaryLine(x.LineNumber, x.ProductCode, x.Description, x.Quantity, x.Unit, x.Amount)).ToList()))
                .FirstOrDefaultAsync(ct);
        }

        return true;
    }
}
