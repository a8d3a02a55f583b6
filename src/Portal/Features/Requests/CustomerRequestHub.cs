using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Requests;

/// <summary>
/// The requests hub's write side, called by each kind inside its own unit of work (nothing is saved
/// here): open a request for a kind's row, post to its thread, move its status, assign it.
/// </summary>
public static class CustomerRequestHub
{
    public const int MaxBodyLength = 4000;

    /// <summary>Adds the hub's entry for a kind's row that has just been saved (its id is known).</summary>
    public static CustomerRequest Open(PortalDb db, long accountId, RequestKind kind, string number, string subject, string status, long subjectId, string? openedByUserId, DateTime now)
    {
        var request = new CustomerRequest
        {
            AccountId = accountId,
            Kind = kind,
            Number = number,
            Subject = subject.Length <= 200 ? subject : subject[..200],
            Status = status,
            IsOpen = true,
            SubjectId = subjectId,
            OpenedByUserId = openedByUserId,
            CreatedAt = now,
            LastActivityAt = now,
        };
        db.CustomerRequests.Add(request);
        return request;
    }

    /// <summary>Adds a message to the request's thread and marks the request active now.</summary>
    public static RequestMessage Post(PortalDb db, CustomerRequest request, MessageSide side, string? authorUserId, string authorName, string body, DateTime now, string? externalId = null)
    {
        var message = new RequestMessage
        {
            RequestId = request.Id,
            Side = side,
            AuthorUserId = authorUserId,
            AuthorName = authorName.Length <= 200 ? authorName : authorName[..200],
            Body = body,
            ExternalId = externalId,
            CreatedAt = now,
        };
        db.RequestMessages.Add(message);
        request.LastActivityAt = now;
        return message;
    }

    /// <summary>
    /// Moves the request to the kind's status and says so in its thread ("Status changed to X by Y",
    /// written in the reader's language when shown); nothing when the status is the same.
    /// </summary>
    public static RequestMessage? MoveAndPost(PortalDb db, CustomerRequest request, string status, bool isOpen, MessageSide side, string? authorUserId, string authorName, DateTime now)
    {
        if (request.Status == status)
        {
            request.IsOpen = isOpen;
            return null;
        }

        Move(request, status, isOpen, now);
        var message = Post(db, request, side, authorUserId, authorName, status, now);
        message.SystemEvent = RequestMessageEvents.StatusChanged;
        return message;
    }

    /// <summary>Moves the request to the kind's status; whether it is still open says whether anyone has to act.</summary>
    public static void Move(CustomerRequest request, string status, bool isOpen, DateTime now)
    {
        request.Status = status;
        request.IsOpen = isOpen;
        request.LastActivityAt = now;
    }

    /// <summary>The hub's entry of a kind's row, tracked, or null when the kind's row has none.</summary>
    public static Task<CustomerRequest?> FindAsync(PortalDb db, RequestKind kind, long subjectId, CancellationToken ct) =>
        db.CustomerRequests.FirstOrDefaultAsync(r => r.Kind == kind && r.SubjectId == subjectId, ct);

    /// <summary>
    /// The e-mail addresses of the people following a request: whoever opened it and every customer
    /// user who wrote in its thread, less the one who just wrote.
    /// </summary>
    public static async Task<List<string>> FollowersAsync(PortalDb db, CustomerRequest request, string? exceptUserId, CancellationToken ct)
    {
        var writers = db.RequestMessages.Where(m => m.RequestId == request.Id && m.Side == MessageSide.Customer && m.AuthorUserId != null).Select(m => m.AuthorUserId!);
        var ids = await writers.Distinct().Take(50).ToListAsync(ct);
        if (request.OpenedByUserId is not null && !ids.Contains(request.OpenedByUserId))
        {
            ids.Add(request.OpenedByUserId);
        }

        ids.Remove(exceptUserId ?? "");
        return await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id) && u.Email != null)
            .Select(u => u.Email!).ToListAsync(ct);
    }

    /// <summary>A request's status name as stored ("WaitingOnCustomer" becomes "waiting_on_customer").</summary>
    public static string StatusName<TStatus>(TStatus status)
        where TStatus : struct, Enum
    {
        var name = status.ToString();
        var text = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}
