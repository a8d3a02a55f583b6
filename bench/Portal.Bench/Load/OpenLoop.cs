using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Portal.Bench.Load;

/// <summary>
/// The open loop (<c>--rate N</c>, <c>--rates a,b,c</c>): requests on a fixed schedule, whatever the server
/// answers, so that latency is measured at a given load rather than at saturation.
/// </summary>
/// <remarks>
/// The closed loop's virtual users send their next request when the previous one answers: at saturation its
/// p99 is users / throughput, and a slow answer holds back the requests behind it, which are then never
/// measured as slow (coordinated omission). Here request k of a phase is due at its start + k / (rate × pages)
/// seconds, page k mod pages, user (k / pages) mod users; a dispatcher thread sends each on its own task when
/// it is due, so a slow answer delays no other send. At most <see cref="OpenLoopConnectionsPerUser"/> × users are in
/// flight (each user has that many connections); a send that had to wait for that cap, or that started more
/// than 1 ms after its time, is a late send. Latency runs from the time a request was due, not from when it was
/// actually sent (the correction wrk2 makes): a request that could not even be sent on time has waited as a real
/// user would have.
/// </remarks>
internal sealed partial class LoadTest
{
    private const int OpenLoopConnectionsPerUser = 4;

    private static readonly long LateTicks = Stopwatch.Frequency / 1000;

    // One connection per user in the closed loop (as before), a few in the open loop.
    private int ConnectionsPerUser => options.Rates is null ? 1 : OpenLoopConnectionsPerUser;

    /// <summary>Every phase of the mode (mix, each page alone, /healthz), each at every rate in turn.</summary>
    private async Task<List<OpenPhase>> RunOpenAsync(double[] rates, VirtualUser[] clients, VirtualUser[]? usageClients, PageSpec[] pages)
    {
        var phases = new List<(string Name, PageSpec[] Pages)>();
        if (options.Mode is "mix" or "both")
        {
            phases.Add(("mix", pages));
        }

        if (options.Mode is "each" or "both")
        {
            phases.AddRange(pages.Select(page => ($"alone: {page.Name}", new[] { page })));
        }

        // The floor at the same rate: what the client, loopback and the host add to any request.
        phases.Add(("healthz", [Health]));
        var results = new List<OpenPhase>();
        foreach (var (name, phasePages) in phases)
        {
            foreach (var rate in rates)
            {
                results.Add(await RunOpenPhaseAsync(name, rate, clients, usageClients, phasePages));
            }
        }

        return results;
    }

    private async Task<OpenPhase> RunOpenPhaseAsync(string name, double rate, VirtualUser[] clients, VirtualUser[]? usageClients, PageSpec[] pages)
    {
        // Warm-up: the same schedule, results thrown away.
        await RunScheduleAsync(clients, usageClients, pages, rate, TimeSpan.FromSeconds(options.WarmupSeconds), record: false);
        var reference = pages.All(p => p.Reference);
        var server = reference ? new CpuMeter(options.ReferencePid is int r ? [r] : []) : options.Server;
        var proxy = reference ? null : options.Proxy;
        // The reviews ahead of the first confirms are drawn before the CPU is read: the review is not what is measured.
        await PrepareScheduleAsync(clients, pages);
        var serverBefore = server.Read();
        var proxyBefore = proxy?.Read();
        var databaseBefore = options.Database?.Read();
        var duration = TimeSpan.FromSeconds(options.Seconds);
        var run = await RunScheduleAsync(clients, usageClients, pages, rate, duration, record: true, prepared: true);
        var cpu = server.Since(serverBefore);
        var proxyCpu = proxyBefore is null ? (TimeSpan?)null : proxy!.Since(proxyBefore);
        var databaseCpu = databaseBefore is null ? (TimeSpan?)null : options.Database!.Since(databaseBefore);
        var rows = new List<PageResult>();
        var late = new long[pages.Length];
        for (var p = 0; p < pages.Length; p++)
        {
            var latencies = new List<long>();
            long errors = 0;
            for (var k = p; k < run.Count; k += pages.Length)
            {
                if (k >= run.Sent)
                {
                    // Never sent: the dispatcher gave up at twice the phase's duration, still behind the schedule.
                    errors++;
                    late[p]++;
                    continue;
                }

                latencies.Add(run.Latency[k]);
                errors += run.Status[k] is < 200 or >= 300 ? 1 : 0;
                late[p] += run.Late[k] ? 1 : 0;
            }

            var sorted = latencies.ToArray();
            Array.Sort(sorted);
            rows.Add(new PageResult(pages[p].Name, sorted, errors));
        }

        // Sends over the schedule's length (longer only when the sends fell behind it).
        var elapsed = run.Dispatch > duration ? run.Dispatch : duration;
        var unsent = run.Count - run.Sent;
        // How late the sends were (the load generator's own lag, on a busy machine mostly its threads waiting for a core).
        var lag = new PageResult("", [.. run.Lag.Take(run.Sent).Order()], 0);
        Console.Error.WriteLine(string.Create(Inv, $"phase {name} at {rate:0.##}/s: {run.Sent:N0} requests sent in {run.Dispatch.TotalSeconds:F1} s, {late.Sum():N0} late{(unsent > 0 ? $", {unsent:N0} never sent" : "")}; sent after their time by p50 {lag.Percentile(0.5):F2}, p99 {lag.Percentile(0.99):F2}, max {lag.Max:F2} ms"));
        return new OpenPhase(new PhaseResult(name, elapsed, rows, cpu, proxyCpu, databaseCpu), rate, late, unsent);
    }

    // Before the clock of a phase with payment pages: every user's form token, and for a confirm a review drawn
    // fresh (one left from an earlier phase is dropped, so that none can be stale).
    private static async Task PrepareScheduleAsync(VirtualUser[] clients, PageSpec[] pages)
    {
        if (pages.All(p => p.Pay == PayStep.None))
        {
            return;
        }

        var confirm = pages.Any(p => p.Pay == PayStep.Confirm);
        using var gate = new SemaphoreSlim(4);
        await Task.WhenAll(clients.Select(async client =>
        {
            await gate.WaitAsync();
            try
            {
                await client.PreparePayAsync();
                client.NextConfirm = confirm ? await client.TryPrepareConfirmAsync() : null;
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>
    /// Sends the schedule of one phase: rate × pages requests a second for <paramref name="duration"/>, and
    /// waits for every answer. The dispatcher stops early only when it is still sending at twice the
    /// duration (the server far below the rate); the requests left are reported as never sent.
    /// </summary>
    private async Task<Schedule> RunScheduleAsync(VirtualUser[] clients, VirtualUser[]? usageClients, PageSpec[] pages, double rate, TimeSpan duration, bool record, bool prepared = false)
    {
        if (!prepared)
        {
            await PrepareScheduleAsync(clients, pages);
        }

        var perSecond = rate * pages.Length;
        var count = (int)Math.Min(Math.Min(Math.Ceiling(perSecond * duration.TotalSeconds), options.MaxRequestsPerPhase), Array.MaxLength);
        var run = new Schedule(count);
        var tasks = new Task[count];
        var logged = new int[pages.Length];
        using var inFlight = new SemaphoreSlim(OpenLoopConnectionsPerUser * clients.Length);
        var interval = Stopwatch.Frequency / perSecond;
        var start = Stopwatch.GetTimestamp();
        var hardStop = start + (long)(2 * duration.TotalSeconds * Stopwatch.Frequency);
        // A thread of its own, not the pool's: sends are due whether or not the pool is busy with answers.
        await Task.Factory.StartNew(() =>
        {
            for (var k = 0; k < count; k++)
            {
                var due = start + (long)(k * interval);
                SleepUntil(due);
                var waited = !inFlight.Wait(0);
                if (waited)
                {
                    var left = hardStop - Stopwatch.GetTimestamp();
                    if (left <= 0 || !inFlight.Wait(TimeSpan.FromSeconds(left / (double)Stopwatch.Frequency)))
                    {
                        break;
                    }
                }

                if (Stopwatch.GetTimestamp() > hardStop)
                {
                    inFlight.Release();
                    break;
                }

                var p = k % pages.Length;
                var u = k / pages.Length % clients.Length;
                var client = pages[p].Usage ? usageClients![u] : clients[u];
                // Here rather than in the send's task: a user's Random is not for several threads at once.
                var path = pages[p].Path(client.User, client.Random);
                var index = k;
                tasks[k] = Task.Run(() => SendDueAsync(run, index, due, waited, pages[p], client, path, inFlight, record ? logged : null, p));
                run.Sent = k + 1;
            }

            run.Dispatch = Stopwatch.GetElapsedTime(start);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.WhenAll(tasks.Take(run.Sent));
        return run;
    }

    /// <summary>
    /// One request of the schedule, timed from <paramref name="due"/>. A confirm posts a review drawn ahead
    /// (untimed, after the user's previous confirm was answered), so that its time is the confirm's POST alone,
    /// as the closed loop times it; the user's next review is drawn after the confirm's time is taken.
    /// </summary>
    private static async Task SendDueAsync(Schedule run, int k, long due, bool waited, PageSpec page, VirtualUser client, string path, SemaphoreSlim inFlight, int[]? logged, int p)
    {
        var started = Stopwatch.GetTimestamp();
        int status;
        try
        {
            if (page.Pay == PayStep.Confirm)
            {
                // A user's confirms one after another: a review drawn while the previous one is being charged
                // would show the invoice's old version and be refused.
                await client.PayGate.WaitAsync();
                try
                {
                    // Normally drawn ahead; drawn here, inside the request's time, only when that failed.
                    var fields = client.NextConfirm ?? await client.TryPrepareConfirmAsync() ?? throw new InvalidOperationException("No review could be drawn for the confirm.");
                    client.NextConfirm = null;
                    started = Stopwatch.GetTimestamp();
                    status = await client.ConfirmAsync(fields);
                    run.Latency[k] = Stopwatch.GetTimestamp() - due;
                    client.NextConfirm = await client.TryPrepareConfirmAsync();
                }
                finally
                {
                    client.PayGate.Release();
                }
            }
            else
            {
                started = Stopwatch.GetTimestamp();
                (status, _) = await client.SendAsync(page, path);
                run.Latency[k] = Stopwatch.GetTimestamp() - due;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            // Refused, reset, over the client's timeout or a form without what it needs: an error, not the end of the run.
            status = 0;
            if (run.Latency[k] == 0)
            {
                run.Latency[k] = Stopwatch.GetTimestamp() - due;
            }

            if (logged is not null && Interlocked.Exchange(ref logged[p], 1) == 0)
            {
                Console.Error.WriteLine($"  {client.User.Email} {path}: {e.GetType().Name}: {e.Message}");
            }
        }
        finally
        {
            inFlight.Release();
        }

        run.Status[k] = status;
        run.Lag[k] = started - due;
        run.Late[k] = waited || started - due > LateTicks;
        if (logged is not null && status is < 200 or >= 300 && status != 0 && Interlocked.Exchange(ref logged[p], 1) == 0)
        {
            Console.Error.WriteLine($"  {client.User.Email} {path}: {status}");
        }
    }

    // Sleeps to a Stopwatch timestamp: usleep on Linux (tens of microseconds late), whole milliseconds elsewhere.
    private static void SleepUntil(long timestamp)
    {
        while (true)
        {
            var left = timestamp - Stopwatch.GetTimestamp();
            if (left <= 0)
            {
                return;
            }

            var microseconds = Math.Min(left * 1_000_000 / Stopwatch.Frequency, 1_000_000);
            if (OperatingSystem.IsLinux())
            {
                _ = Usleep((uint)Math.Max(1, microseconds));
            }
            else
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(Math.Max(1, microseconds / 1000)));
            }
        }
    }

    [DllImport("libc", EntryPoint = "usleep")]
    private static extern int Usleep(uint microseconds);

    private void PrintOpen(List<OpenPhase> results, BenchUser[] users, DateTime runAt)
    {
        var text = new StringBuilder();
        AppendHeader(text, users, runAt);
        var rates = string.Join(", ", options.Rates!.Select(r => r.ToString("0.##", Inv)));
        text.AppendLine(Inv, $"Mode: open loop, {rates} requests/s for each page, users {users.Length}: request k of a phase due at its start + k / rate, round robin over the users, at most {OpenLoopConnectionsPerUser * users.Length} in flight. Latency from each request's due time, not its actual send (coordinated omission corrected); a late send waited for the in-flight cap or started more than 1 ms after its time. A confirm posts a review drawn ahead, untimed.");
        text.AppendLine();
        var withCpu = options.Server.Any;
        var reference = results.FirstOrDefault(r => r.Phase.Pages.Count == 1 && r.Phase.Pages[0].Name == ReferencePage.Name && r.Phase.Pages[0].Requests > 0 && r.Phase.ServerCpu > TimeSpan.Zero);
        double? referenceCpu = reference is null ? null : reference.Phase.ServerCpu.TotalMilliseconds / reference.Phase.Pages[0].Requests;
        var columns = CpuColumns(text, referenceCpu);
        var cpuColumns = " " + string.Join(" | ", columns) + " |";
        text.AppendLine("| phase | page | target req/s | achieved req/s | requests | p50 ms | p90 ms | p99 ms | max ms | errors | late sends |" + (withCpu ? cpuColumns : ""));
        text.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|" + (withCpu ? string.Concat(columns.Select(_ => "--:|")) : ""));
        var empty = string.Concat(columns.Select(_ => " |"));
        long unsent = 0;
        foreach (var open in results)
        {
            var phase = open.Phase;
            var seconds = phase.Elapsed.TotalSeconds;
            unsent += open.Unsent;
            for (var p = 0; p < phase.Pages.Count; p++)
            {
                text.Append(Row(phase.Name, phase.Pages[p], open.Rate, seconds, open.Late[p]));
                text.AppendLine(withCpu && phase.Pages.Count == 1 ? Cpu(phase, phase.Pages[p].Requests, referenceCpu, columns.Count) : withCpu ? empty : "");
            }

            if (phase.Pages.Count > 1)
            {
                var all = phase.Pages.SelectMany(p => p.Latencies).Order().ToArray();
                var total = new PageResult("**all pages**", all, phase.Pages.Sum(p => p.Errors));
                text.Append(Row(phase.Name, total, open.Rate * phase.Pages.Count, seconds, open.Late.Sum()));
                text.AppendLine(withCpu ? Cpu(phase, total.Requests, referenceCpu, columns.Count) : "");
            }
        }

        if (unsent > 0)
        {
            text.AppendLine();
            text.AppendLine(Inv, $"{unsent:N0} requests were never sent (the schedule still behind at twice the phase's duration): they count as errors and late sends, and the percentiles leave them out, so where errors are not 0 the percentiles are a lower bound.");
        }

        Console.Write(text.ToString());
    }

    private static string Row(string phase, PageResult page, double target, double seconds, long late) => string.Create(
        Inv,
        $"| {phase} | {page.Name} | {target:0.##} | {page.Requests / seconds:F1} | {page.Requests:N0} | {page.Percentile(0.50):F2} | {page.Percentile(0.90):F2} | {page.Percentile(0.99):F2} | {page.Max:F2} | {page.Errors:N0} | {late:N0} |");

    private sealed record OpenPhase(PhaseResult Phase, double Rate, long[] Late, long Unsent);

    /// <summary>What a schedule's requests did, by their number k (each written by its own task only).</summary>
    private sealed class Schedule(int count)
    {
        public int Count => count;

        public long[] Latency { get; } = new long[count];

        public int[] Status { get; } = new int[count];

        public bool[] Late { get; } = new bool[count];

        /// <summary>How long after its due time each request was actually sent.</summary>
        public long[] Lag { get; } = new long[count];

        /// <summary>How many were sent (the first ones): fewer than <see cref="Count"/> only when the dispatcher gave up.</summary>
        public int Sent { get; set; }

        public TimeSpan Dispatch { get; set; }
    }
}
