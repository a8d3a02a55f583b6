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

        var stat = File.ReadAllText($"/proc/{id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime (fields 14 and 15 of stat, counted from 1 before the name), in 1/100 s.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }
}
