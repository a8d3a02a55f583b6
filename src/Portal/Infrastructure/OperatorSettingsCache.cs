using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Operator;

namespace Portal.Infrastructure;

/// <summary>
/// The operator's settings, read on every page, cached per instance for a few seconds. The database
/// stays the only source of truth: a change made on another instance shows here within
/// <see cref="Lifetime"/>, and at once on the instance that made it. Five seconds: a switch turned off
/// is off everywhere before anyone could notice, for one primary-key read per instance every five seconds.
/// </summary>
public sealed class OperatorSettingsCache(IServiceScopeFactory scopes, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private static readonly OperatorSettings Defaults = new();

    private volatile Entry? _entry;

    public async ValueTask<OperatorSettings> GetAsync(CancellationToken ct = default)
    {
        var entry = _entry;
        var now = time.GetUtcNow();
        if (entry is not null && now - entry.LoadedAt < Lifetime)
        {
            return entry.Settings;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var settings = await db.OperatorSettings.AsNoTracking().SingleOrDefaultAsync(ct) ?? new OperatorSettings();
        _entry = new Entry(settings, now);
        return settings;
    }

    /// <summary>The last settings loaded, without I/O; defaults before the first load.</summary>
    public OperatorSettings Peek() => _entry?.Settings ?? Defaults;

    /// <summary>Forget the cached copy, after this instance saved a change.</summary>
    public void Invalidate() => _entry = null;

    private sealed record Entry(OperatorSettings Settings, DateTimeOffset LoadedAt);
}
