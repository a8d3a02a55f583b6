namespace Portal.Infrastructure.Workers;

/// <summary>
/// A row a background worker claims (an outbox message, a webhook delivery). <see cref="NextAttemptAt"/>
/// is both when the row is due and, while a worker holds it, when that worker's lease runs out.
/// </summary>
public interface ILeasedWork
{
    long Id { get; }

    DateTime NextAttemptAt { get; }
}
