using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Infrastructure.Api;

/// <summary>A document the billing system upserts by its own id, which belongs to one account and carries a unique number.</summary>
public interface IAccountDocument
{
    long Id { get; }

    long AccountId { get; }

    string? ExternalId { get; }

    string Number { get; }
}

/// <summary>How a writer's refusals name the document: "invoice", "credit memo".</summary>
public sealed record DocumentWords(string Name)
{
    public string Title => char.ToUpperInvariant(Name[0]) + Name[1..];
}

/// <summary>The services every upsert handler binds, as one <c>[AsParameters]</c> record.</summary>
public sealed record UpsertServices(PortalDb Db, TimeProvider Time, ILoggerFactory Loggers)
{
    public ILogger Log => Loggers.CreateLogger("Portal.Api.Upserts");

    /// <summary>The same services outside a request (the CSV import's scope per document).</summary>
    public static UpsertServices From(IServiceProvider services) =>
        new(services.GetRequiredService<PortalDb>(), services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>());
}

/// <summary>
/// The one writer of the integration upserts: finds the document by external id, refuses one of another
/// account and a number another document has (409), writes only what changed (a repeated PUT writes
/// nothing), and saves in one transaction where a race lost to another writer (a unique key, a
/// concurrency token) is a 409 to retry, never a 500.
/// </summary>
public static class ApiWrites
{
    /// <summary>
    /// The document with this external id, or null for a new one; a refusal when it belongs to another
    /// account (documents never move between accounts) or when another document has the number.
    /// </summary>
    public static async Task<(TDocument? Document, UpsertOutcome<T>? Refusal)> FindAsync<TDocument, T>(
        IQueryable<TDocument> documents, string externalId, string number, long accountId, DocumentWords words, CancellationToken ct)
        where TDocument : class, IAccountDocument
    {
        var document = await documents.FirstOrDefaultAsync(d => d.ExternalId == externalId, ct);
        if (document is not null && document.AccountId != accountId)
        {
            return (null, OtherAccount<T>(words, externalId));
        }

        return (document, await DuplicateNumberAsync<TDocument, T>(documents, document, externalId, number, words, ct));
    }

    /// <summary>A refusal when a document other than <paramref name="document"/> already has the number.</summary>
    public static async Task<UpsertOutcome<T>?> DuplicateNumberAsync<TDocument, T>(
        IQueryable<TDocument> documents, TDocument? document, string externalId, string number, DocumentWords words, CancellationToken ct)
        where TDocument : class, IAccountDocument
    {
        if (document is not null && document.Number == number)
        {
            return null;
        }

        var documentId = document?.Id;
        return await documents.AnyAsync(d => d.Number == number && d.ExternalId != externalId && (documentId == null || d.Id != documentId), ct)
            ? new UpsertOutcome<T>.Conflict($"Duplicate {words.Name} number", $"Another {words.Name} already has number '{number}'.")
            : null;
    }

    public static UpsertOutcome<T> OtherAccount<T>(DocumentWords words, string externalId) => new UpsertOutcome<T>.Conflict(
        $"{words.Title} belongs to another account",
        $"{words.Title} '{externalId}' belongs to another account; a {words.Name} cannot move between accounts.");

    /// <summary>
    /// Brings the stored lines to the requested ones line number by line number, in place: a line that did
    /// not change is not written, a new one is added, one no longer sent is deleted. Keys and foreign keys
    /// are left alone; every other mapped property is copied.
    /// </summary>
    public static void SyncLines<TLine>(PortalDb db, ICollection<TLine> stored, IEnumerable<TLine> requested, Func<TLine, int> lineNumber)
        where TLine : class
    {
        var existing = stored.ToDictionary(lineNumber);
        foreach (var line in requested)
        {
            if (existing.Remove(lineNumber(line), out var current))
            {
                var entry = db.Entry(current);
                foreach (var property in entry.Metadata.GetProperties())
                {
                    if (!property.IsKey() && !property.IsForeignKey() && property.PropertyInfo is { } info)
                    {
                        entry.Property(property).CurrentValue = info.GetValue(line);
                    }
                }
            }
            else
            {
                stored.Add(line);
            }
        }

        foreach (var gone in existing.Values)
        {
            stored.Remove(gone);
            db.Remove(gone);
        }
    }

    /// <summary>True when anything tracked is new, changed or deleted: the only case in which a write stamps UpdatedAt.</summary>
    public static bool HasChanges(PortalDb db) => db.ChangeTracker.HasChanges();

    /// <summary>True when the tracked entity has changes to write (new, or a property that differs).</summary>
    public static bool IsChanged(PortalDb db, object entity)
    {
        db.ChangeTracker.DetectChanges();
        return db.Entry(entity).State is EntityState.Added or EntityState.Modified;
    }

    /// <summary>
    /// The time stamped on a write, in whole microseconds: PostgreSQL keeps no finer, so the response to
    /// a PUT shows exactly what a later GET (or the same PUT again) returns.
    /// </summary>
    public static DateTime Now(TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % 10));
    }

    /// <summary>
    /// Runs the writes (one or more SaveChanges) in one transaction. A concurrency token that moved, or a
    /// unique key taken by a request that committed first, rolls everything back and answers
    /// <see cref="UpsertOutcome{T}.Race"/>; null when committed.
    /// </summary>
    public static async Task<UpsertOutcome<T>?> CommitAsync<T>(PortalDb db, ILogger log, Func<Task> writes, CancellationToken ct)
    {
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await writes();
            await tx.CommitAsync(ct);
            return null;
        }
        catch (DbUpdateException ex)
        {
            log.LogWarning(ex, "Integration upsert lost a race; answered 409.");
            db.ChangeTracker.Clear();
            return UpsertOutcome<T>.Race;
        }
    }

    /// <summary>The usual case: a single SaveChanges, which is a transaction by itself; nothing at all when nothing changed.</summary>
    public static async Task<UpsertOutcome<T>?> SaveAsync<T>(PortalDb db, ILogger log, CancellationToken ct)
    {
        if (!db.ChangeTracker.HasChanges())
        {
            return null;
        }

        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException ex)
        {
            log.LogWarning(ex, "Integration upsert lost a race; answered 409.");
            db.ChangeTracker.Clear();
            return UpsertOutcome<T>.Race;
        }
    }
}
