using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.Requests;

/// <summary>A request's thread and files as a page shows them (read in two small queries, bytes never read).</summary>
public sealed record RequestThread(IReadOnlyList<RequestThread.Message> Messages, IReadOnlyList<RequestThread.File> Files, string FileLinkPrefix)
{
    // A thread this long is a conversation for the phone; the page shows its latest messages.
    public const int MaxMessages = 200;

    public sealed record Message(long Id, MessageSide Side, string AuthorName, string Body, string? SystemEvent, DateTime CreatedAt);

    public sealed record File(long Id, string FileName, string ContentType, long Length, DateTime CreatedAt);

    public static readonly RequestThread Empty = new([], [], "");

    /// <summary>The thread of a request; <paramref name="fileLinkPrefix"/> is where its files are downloaded (customer or console).</summary>
    public static async Task<RequestThread> ReadAsync(PortalDb db, long requestId, string fileLinkPrefix, CancellationToken ct)
    {
        var messages = await db.RequestMessages.AsNoTracking().Where(m => m.RequestId == requestId)
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(MaxMessages)
            .Select(m => new Message(m.Id, m.Side, m.AuthorName, m.Body, m.SystemEvent, m.CreatedAt)).ToListAsync(ct);
        messages.Reverse();
        var files = await db.RequestAttachments.AsNoTracking().Where(a => a.RequestId == requestId).OrderBy(a => a.Id).Take(100)
            .Select(a => new File(a.Id, a.FileName, a.ContentType, a.Length, a.CreatedAt)).ToListAsync(ct);
        return new RequestThread(messages, files, fileLinkPrefix);
    }

    /// <summary>
    /// The thread of the request that a document of <paramref name="kind"/> (a dispute, a service call, a
    /// call-off, a quote request) opened, as its own page in the portal shows it; <see cref="Empty"/> when it has
    /// none. One lookup on the unique (Kind, SubjectId) index, then <see cref="ReadAsync"/>; each of those
    /// pages used to carry these two lines.
    /// </summary>
    public static async Task<RequestThread> OfSubjectAsync(PortalDb db, RequestKind kind, long subjectId, CancellationToken ct)
    {
        var requestId = await db.CustomerRequests.AsNoTracking().Where(r => r.Kind == kind && r.SubjectId == subjectId).Select(r => (long?)r.Id).FirstOrDefaultAsync(ct);
        return requestId is long id ? await ReadAsync(db, id, "/requests/files/", ct) : Empty;
    }
}
