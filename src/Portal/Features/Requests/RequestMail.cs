using Microsoft.Extensions.Localization;
using Portal.Data;
using Portal.Infrastructure.Email;
using Portal.Resources;

namespace Portal.Features.Requests;

/// <summary>E-mails the people following a request when someone else writes in its thread (queued in the caller's unit of work).</summary>
public sealed class RequestMail(PortalDb db, EmailOutbox outbox, PublicLinks links, IStringLocalizer<SharedResource> l)
{
    /// <summary>Queues one e-mail per follower other than the writer; returns how many.</summary>
    public async Task<int> NotifyFollowersAsync(CustomerRequest request, RequestMessage message, string? writerUserId, CancellationToken ct)
    {
        var to = await CustomerRequestHub.FollowersAsync(db, request, writerUserId, ct);
        var subject = l["{0} {1}: a new message", KindName(request.Kind, l), request.Number];
        var text = new System.Text.StringBuilder();
        text.AppendLine(l["{0} wrote about {1} {2} ({3}):", message.AuthorName, KindName(request.Kind, l), request.Number, request.Subject]);
        text.AppendLine();
        text.AppendLine(Text(message.Side, message.SystemEvent, message.AuthorName, message.Body, l));
        text.AppendLine();
        text.AppendLine(l["Read the whole thread and answer here: {0}", links.To(PathOf(request))]);
        foreach (var address in to)
        {
            outbox.Enqueue(address, subject, text.ToString(), null, "request-message", request.AccountId);
        }

        return to.Count;
    }

    /// <summary>A message's text as the reader sees it: as written, or (the portal's own messages) made from its code in the reader's language.</summary>
    public static string Text(MessageSide side, string? systemEvent, string authorName, string body, IStringLocalizer l) => systemEvent switch
    {
        RequestMessageEvents.StatusChanged => l["Status changed to {0} by {1}.", StatusName(body, l), side == MessageSide.BillingSystem ? l["our billing system"] : authorName],
        _ => body,
    };

    /// <summary>The customer's page of a request.</summary>
    public static string PathOf(CustomerRequest request) => PathOf(request.Kind, request.Number);

    public static string PathOf(RequestKind kind, string number) => kind switch
    {
        RequestKind.ServiceCall => "/service-calls/" + Uri.EscapeDataString(number),
        RequestKind.Dispute => "/disputes/" + Uri.EscapeDataString(number),
        RequestKind.QuoteRequest => "/quotes/" + Uri.EscapeDataString(number),
        RequestKind.CallOff => "/calloffs/" + Uri.EscapeDataString(number),
        _ => "/orders/" + Uri.EscapeDataString(number),
    };

    public static string KindName(RequestKind kind, IStringLocalizer l) => kind switch
    {
        RequestKind.ServiceCall => l["Service call"],
        RequestKind.Dispute => l["Invoice dispute"],
        RequestKind.QuoteRequest => l["Quote request"],
        RequestKind.CallOff => l["Call-off"],
        _ => l["Order"],
    };

    /// <summary>A stored status name ("waiting_on_customer") as a reader sees it.</summary>
    public static string StatusName(string status, IStringLocalizer l) => status switch
    {
        "open" => l["Open"],
        "scheduled" => l["Scheduled"],
        "in_progress" => l["In progress"],
        "waiting_on_customer" => l["Waiting on you"],
        "resolved" => l["Resolved"],
        "closed" => l["Closed"],
        "cancelled" => l["Cancelled"],
        "credited" => l["Credited"],
        "explained" => l["Explained"],
        "rejected" => l["Rejected"],
        "requested" => l["Requested"],
        "sent" => l["Sent"],
        "acknowledged" => l["Acknowledged"],
        "picked_up" => l["Picked up"],
        "submitted" => l["Submitted"],
        "confirmed" => l["Confirmed"],
        "partly_shipped" => l["Partly shipped"],
        "shipped" => l["Shipped"],
        "delivered" => l["Delivered"],
        "accepted" => l["Accepted"],
        "declined" => l["Declined"],
        "expired" => l["Expired"],
        _ => status,
    };

    public static string Badge(bool isOpen) => isOpen ? "badge badge-open" : "badge badge-paid";
}
