using System.Globalization;

namespace Portal.Bench.Load;

/// <summary>
/// A process's CPU time (user + system) from /proc, so that what a request costs the server can be told
/// apart from what the other processes on a shared machine take from it.
/// </summary>
internal static class ProcessCpu
{
    public static TimeSpan Read(int? pid)
    {
        if (pid is not int id || !File.Exists($"/proc/{id}/stat"))
        {
            return TimeSpan.Zero;
        }

        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{id}/stat");
        }
        catch (IOException)
        {
            // Gone between the check and the read (a PostgreSQL backend closing): nothing more to count.
            return TimeSpan.Zero;
        }

        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime (fields 14 and 15 of stat, counted from 1 before the name), in 1/100 s.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>Comma-separated process ids (<c>--server-pid 101,102,103</c>), none for an empty or missing value.</summary>
    public static int[] ParsePids(string? list) =>
        list is null ? [] : [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];

    /// <summary>
    /// The PostgreSQL backends serving one database, found by their process title
    /// (<c>postgres: 15/main: user database 127.0.0.1(port) idle</c>): the database's own CPU, apart from
    /// whatever other databases of the same server (a test suite, say) are doing at the same time.
    /// </summary>
    public static int[] PostgresBackends(string database)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string title;
            try
            {
                title = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (!title.StartsWith("postgres: ", StringComparison.Ordinal))
            {
                continue;
            }

            // A backend's title is "postgres: [cluster:] user database client state" (Debian names the cluster,
            // "15/main:"): the database is the word after the user, where no background process (checkpointer,
            // walwriter) has it.
            var words = title.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var user = words.Length > 1 && words[1].EndsWith(':') ? 2 : 1;
            if (words.Length > user + 1 && words[user + 1] == database)
            {
                pids.Add(pid);
            }
        }

        return [.. pids];
    }
}

/// <summary>
/// The CPU a set of processes spent between two readings: fixed ones (the portal instances, nginx) and ones
/// looked up at each reading (the backends of a database, which Npgsql's pool opens as it needs them). A
/// process that appears between the readings is counted from zero; one that exits in between loses what it
/// spent since the first (rare: pooled backends live as long as the instance).
/// </summary>
internal sealed class CpuMeter(IReadOnlyList<int> pids, Func<int[]>? lookup = null)
{
    public bool Any => pids.Count > 0 || lookup is not null;

    public IReadOnlyDictionary<int, TimeSpan> Read()
    {
        var readings = new Dictionary<int, TimeSpan>();
        foreach (var pid in pids.Concat(lookup?.Invoke() ?? []))
        {
            readings[pid] = ProcessCpu.Read(pid);
        }

        return readings;
    }

    public TimeSpan Since(IReadOnlyDictionary<int, TimeSpan> before)
    {
        var total = TimeSpan.Zero;
        foreach (var (pid, now) in Read())
        {
            total += now - before.GetValueOrDefault(pid);
        }

        return total;
    }
}
