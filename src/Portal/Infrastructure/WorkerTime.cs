namespace Portal.Infrastructure;

/// <summary>
/// The clock of the outbox workers (webhooks, e-mail): UTC floored to the millisecond, so that a lease
/// written to either database compares equal when read back. Anything that schedules work for them
/// ("retry now") goes through the same floor, or it could land a fraction of a millisecond in the
/// workers' future and be skipped by the next pass.
/// </summary>
public static class WorkerTime
{
    public static DateTime Floor(DateTime utc) =>
        new(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
}
