using Microsoft.EntityFrameworkCore;
using Portal.Features.Accounts;
using Portal.Features.Disputes;
using Portal.Features.Requests;
using Portal.Features.ServiceCalls;

namespace Portal.Data;

/// <summary>Service calls with threads from both sides, an open invoice dispute, and so a filled requests inbox.</summary>
public sealed partial class DemoData
{
    // The smallest valid PNG (one transparent pixel): the demo's "photo" of a machine.
    private static readonly byte[] DemoPhoto = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private async Task AddRequestsAsync(Account bayside, Account northwind, string demoUserId, string otherUserId, DateTime now, CancellationToken ct)
    {
        var staffName = "Ray Ortiz (service)";
        await AddServiceCallAsync(bayside, demoUserId, "SC-1001", "Boom lift will not start", "LIFT-45 #3 on the Harbor Street site shows error E12 at start-up; the battery is charged.", "45 ft articulating boom lift #L45-0031", ServiceCallPriority.High, ServiceCallStatus.Scheduled, now.AddDays(-3),
            [(MessageSide.Customer, "Dana Reyes", "The crew needs it by Thursday: can someone come earlier?", -2.5),
             (MessageSide.BillingSystem, staffName, "Technician booked for tomorrow 8:00; he brings a replacement controller.", -2),
             (MessageSide.Customer, "Dana Reyes", "Thanks, the gate code is 4411.", -1.8)], withPhoto: true, ct);
        await AddServiceCallAsync(bayside, demoUserId, "SC-1002", "Generator hour meter stuck", "GEN-56KW shows the same hours for three days; we are billed by the hour.", "56 kW towable generator #G56-0107", ServiceCallPriority.Normal, ServiceCallStatus.Open, now.AddDays(-1),
            [(MessageSide.Staff, "Summit service desk", "We will read the hours on site at the next refuel and correct the invoice if needed.", -0.5)], withPhoto: false, ct);
        await AddServiceCallAsync(bayside, demoUserId, "SC-0987", "Skid steer hydraulic leak", "Small leak at the left lift cylinder.", "Skid steer loader S70 #S70-0044", ServiceCallPriority.Normal, ServiceCallStatus.Closed, now.AddDays(-40),
            [(MessageSide.BillingSystem, staffName, "Seal replaced on site.", -38)], withPhoto: false, ct);
        await AddServiceCallAsync(northwind, otherUserId, "SC-2001", "Light tower flickers", "The LED tower flickers after an hour.", "LED light tower #LT-0012", ServiceCallPriority.Low, ServiceCallStatus.Open, now.AddDays(-2),
            [(MessageSide.Staff, "Summit service desk", "We will swap the tower on Friday.", -1)], withPhoto: true, ct);

        await AddDisputeAsync(bayside, demoUserId, "D-1001", "Wrong quantity or hours", "We returned the excavator a week early; the last week should not be billed.", now.AddDays(-4), ct);
        await AddDisputeAsync(northwind, otherUserId, "D-2001", "Billed twice", "The delivery charge appears twice.", now.AddDays(-6), ct);
    }

    private async Task AddServiceCallAsync(Account account, string userId, string number, string subject, string description, string equipment, ServiceCallPriority priority, ServiceCallStatus status, DateTime opened,
        (MessageSide Side, string Author, string Body, double DaysAgo)[] thread, bool withPhoto, CancellationToken ct)
    {
        var call = new ServiceCall
        {
            AccountId = account.Id,
            Number = number,
            Subject = subject,
            Description = description,
            Equipment = equipment,
            Priority = priority,
            Status = status,
            OpenedAt = opened,
            OpenedByUserId = userId,
            UpdatedAt = opened,
            ScheduledFor = status == ServiceCallStatus.Scheduled ? opened.AddDays(4) : null,
        };
        db.ServiceCalls.Add(call);
        await db.SaveChangesAsync(ct);
        var entry = CustomerRequestHub.Open(db, account.Id, RequestKind.ServiceCall, number, subject, CustomerRequestHub.StatusName(status), call.Id, userId, opened);
        await db.SaveChangesAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var (side, author, body, daysAgo) in thread)
        {
            CustomerRequestHub.Post(db, entry, side, side == MessageSide.Customer ? userId : null, author, body, now.AddDays(daysAgo));
        }

        if (withPhoto)
        {
            RequestFiles.Attach(db, entry, [new RequestFiles.Checked("error-display.png", "image/png", DemoPhoto)], userId, opened);
        }

        entry.IsOpen = ServiceCall.IsOpenStatus(status);
        await db.SaveChangesAsync(ct);
    }

    private async Task AddDisputeAsync(Account account, string userId, string number, string reason, string details, DateTime opened, CancellationToken ct)
    {
        var invoice = await db.Invoices.Where(i => i.AccountId == account.Id && i.OpenAmount > 0m && !i.IsVoid).OrderByDescending(i => i.Id)
            .Select(i => new { i.Id, i.Number, i.Currency, i.Total }).FirstOrDefaultAsync(ct)
            ?? await db.Invoices.Where(i => i.AccountId == account.Id && !i.IsVoid).OrderByDescending(i => i.Id).Select(i => new { i.Id, i.Number, i.Currency, i.Total }).FirstAsync(ct);
        var dispute = new InvoiceDispute
        {
            AccountId = account.Id,
            InvoiceId = invoice.Id,
            Number = number,
            Reason = reason,
            Details = details,
            Currency = invoice.Currency,
            Amount = decimal.Round(invoice.Total / 4m, 2),
            LineNumbers = "1",
            Status = DisputeStatus.Open,
            OpenedByUserId = userId,
            OpenedAt = opened,
            UpdatedAt = opened,
        };
        db.InvoiceDisputes.Add(dispute);
        await db.SaveChangesAsync(ct);
        var entry = CustomerRequestHub.Open(db, account.Id, RequestKind.Dispute, number, $"Invoice {invoice.Number}: {reason}", "open", dispute.Id, userId, opened);
        await db.SaveChangesAsync(ct);
        CustomerRequestHub.Post(db, entry, MessageSide.Staff, null, "Summit billing", "We are checking the rental dates with the branch and will answer within two days.", opened.AddDays(1));
        RequestFiles.Attach(db, entry, [new RequestFiles.Checked("return-receipt.png", "image/png", DemoPhoto)], userId, opened);
        await db.SaveChangesAsync(ct);
    }
}
