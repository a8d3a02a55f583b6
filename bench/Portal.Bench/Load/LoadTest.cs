using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Bench.Load;

internal sealed record LoadOptions(
    Uri Url,
    int Users,
    int Seconds,
    int WarmupSeconds,
    string UsersFile,
    string Password,
    string Mode,
    long MaxRequestsPerPhase,
    string[]? OnlyPages,
    CpuMeter Server,
    string? UsageUser,
    string? AsUser = null,
    Uri? ReferenceUrl = null,
    int? ReferencePid = null,
    int SettleSeconds = 30,
    CpuMeter? Proxy = null,
    CpuMeter? Database = null,
    double[]? Rates = null);

/// <summary>
/// One page of the load: a name for the report and how to make its URL for a user. A usage page is
/// requested through the virtual user's second login, a member of the account with the most usage.
/// A reference page is the bench's own hand-written-SQL overview (Reference/OverviewReference.cs), served by its
/// own process: its CPU is read from that process.
/// </summary>
internal sealed record PageSpec(string Name, Func<BenchUser, Random, string> Path, bool Usage = false, PayStep Pay = PayStep.None, bool Reference = false);

/// <summary>
/// A page that is a form post of the payment flow rather than a GET: the review of a payment of 0.01
/// (oldest invoice first, the account's saved test card), or its confirm, which charges the test
/// gateway. A confirm is timed alone: the review that mints its key is drawn untimed first.
/// </summary>
internal enum PayStep
{
    None,
    Review,
    Confirm,
}

/// <summary>A line of the users file: who logs in, and some invoice numbers of their own account.</summary>
internal sealed record BenchUser(string Email, string Account, int InvoiceCount, string[] Invoices);

/// <summary>
/// Logs in as many users over HTTP (the real login form, antiforgery included), then runs concurrent
/// virtual users against the customer pages and, in the same run, against /healthz, and prints
/// requests per second and latency percentiles per page as a Markdown table. With rates (--rate), an open
/// loop at those rates instead (OpenLoop.cs).
/// </summary>
internal sealed partial class LoadTest(LoadOptions options)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly PageSpec[] Pages =
    [
        new("overview `/`", (_, _) => "/"),
        new("invoices `/invoices`", (_, _) => "/invoices"),
        new("invoices by due date `/invoices?sort=due&dir=asc`", (_, _) => "/invoices?sort=due&dir=asc"),
        new("invoices by total `/invoices?sort=total`", (_, _) => "/invoices?sort=total"),
        new("open invoices `/invoices?status=open`", (_, _) => "/invoices?status=open"),
        new("invoice search `/invoices?q={part of a number}`", (u, r) => $"/invoices?q={u.Invoices[r.Next(u.Invoices.Length)][4..^1]}"),
        new("document search `/search?q={an invoice number}`", (u, r) => $"/search?q={u.Invoices[r.Next(u.Invoices.Length)]}"),
        new("invoice `/invoices/{number}`", (u, r) => $"/invoices/{u.Invoices[r.Next(u.Invoices.Length)]}"),
        new("invoice PDF `/invoices/{number}/pdf`", (u, r) => $"/invoices/{u.Invoices[r.Next(u.Invoices.Length)]}/pdf"),
        new("payments `/payments`", (_, _) => "/payments"),
        new("credits `/credits`", (_, _) => "/credits"),
        new("invoices CSV, open `/invoices/export?status=open`", (_, _) => "/invoices/export?status=open"),
        new("payments CSV `/payments/export`", (_, _) => "/payments/export"),
        new("order history `/orders`", (_, _) => "/orders"),
        new("order pad `/orders/new` (5,000 products, customer prices)", (_, _) => "/orders/new"),
        new("order pad search `/orders/new?q=model 12`", (_, r) => "/orders/new?q=model%20" + r.Next(10, 50).ToString(CultureInfo.InvariantCulture)),
        new("deliveries `/deliveries`", (_, _) => "/deliveries"),
        new("quotes `/quotes`", (_, _) => "/quotes"),
        new("contracts `/contracts`", (_, _) => "/contracts"),
        new("items on rent `/items-out`", (_, _) => "/items-out"),
        new("licenses `/licenses`", (_, _) => "/licenses"),
        new("licenses by expiry `/licenses?sort=expires`", (_, _) => "/licenses?sort=expires"),
        new("make a payment `/pay`", (_, _) => "/pay"),
        new("payment review `POST /pay?handler=Review` (0.01, oldest first)", (_, _) => "/pay", Pay: PayStep.Review),
        new("payment confirm `POST /pay?handler=Confirm` (test gateway charge)", (_, _) => "/pay", Pay: PayStep.Confirm),
        new("statement, last 90 days `/statements`", (_, _) => "/statements"),
        new("statement, one year `/statements?from=…&to=…`", (_, _) => YearStatement("/statements")),
        new("statement PDF, one year `/statements/pdf?from=…&to=…`", (_, _) => YearStatement("/statements/pdf")),
        new("requests `/requests`", (_, _) => "/requests"),
        new("service calls `/service-calls`", (_, _) => "/service-calls"),
        // What any signed-in page costs (the session check, the layout) and what the host costs at all.
        new("about, signed in `/about`", (_, _) => "/about"),
        new("static file `/css/site.css`", (_, _) => "/css/site.css"),
    ];

    // The floor: the overview's figures and recent documents in hand-written SQL, no framework (bench/Portal.Bench/Reference).
    private static readonly PageSpec ReferencePage = new("reference: the overview in hand-written SQL", (u, _) => "/overview/" + Uri.EscapeDataString(u.Account), Reference: true);

    // The year up to today (UTC; the operator's zone moves it by a day at most, which a year does not feel).
    private static string YearStatement(string path)
    {
        // The operator's "today" may still be yesterday in UTC (New York until 05:00 UTC): a range ending on the
        // UTC date would then end in the future and get the form's error instead of the statement. Twelve hours
        // back is today or yesterday in every zone from UTC-12 on.
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(-12));
        return string.Create(Inv, $"{path}?from={today.AddYears(-1).AddDays(1):yyyy-MM-dd}&to={today:yyyy-MM-dd}");
    }

    private static readonly PageSpec Health = new("health `/healthz`", (_, _) => "/healthz");

    public async Task<int> RunAsync()
    {
        if (!options.Url.IsLoopback)
        {
            Console.Error.WriteLine("Only a loopback target (127.0.0.1, ::1, localhost) may be loaded.");
            return 2;
        }

        if (options.Seconds < 1 || options.Users < 1)
        {
            Console.Error.WriteLine("--seconds and --users must be at least 1.");
            return 2;
        }

        // --as-user: every virtual user is the same person (one account's cost, several connections).
        var candidates = options.AsUser is { } asUser
            ? ReadUsers(options.UsersFile).Where(u => string.Equals(u.Email, asUser, StringComparison.OrdinalIgnoreCase)).Take(1).SelectMany(u => Enumerable.Repeat(u, options.Users)).ToList()
            : ReadUsers(options.UsersFile).ToList();
        if (candidates.Count < options.Users)
        {
            Console.Error.WriteLine($"The users file has {candidates.Count} users; {options.Users} asked for.");
            return 2;
        }

        // A user whose account has nothing open cannot pay: when payment pages are measured, such a user is
        // replaced by the next one in the file, so that every virtual user can confirm (the users file's
        // accounts are otherwise taken in order, as before).
        var paying = options.OnlyPages is null || Pages.Any(p => p.Pay != PayStep.None && options.OnlyPages.Any(o => p.Name.Contains(o, StringComparison.OrdinalIgnoreCase)));
        var login = Stopwatch.StartNew();
        var logins = new List<VirtualUser>();
        var skipped = new List<string>();
        var nextCandidate = 0;
        // Logging in is PBKDF2 at 210,000 iterations: a few at a time, or the server is only hashing.
        using (var gate = new SemaphoreSlim(4))
        {
            while (logins.Count < options.Users && nextCandidate < candidates.Count)
            {
                var batch = candidates.Skip(nextCandidate).Take(options.Users - logins.Count).ToList();
                nextCandidate += batch.Count;
                var first = logins.Count;
                var logged = await Task.WhenAll(batch.Select(async (user, i) =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        var client = await VirtualUser.LoginAsync(options.Url, user, options.Password, first + i, options.ReferenceUrl, ConnectionsPerUser);
                        return (client, canPay: !paying || await client.CanPayAsync());
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
                foreach (var (client, canPay) in logged)
                {
                    if (canPay)
                    {
                        client.Index = logins.Count;
                        logins.Add(client);
                    }
                    else
                    {
                        skipped.Add(client.User.Email);
                        client.Dispose();
                    }
                }
            }
        }

        if (logins.Count < options.Users)
        {
            Console.Error.WriteLine($"Only {logins.Count} users of the file could be used; {options.Users} asked for.");
            return 2;
        }

        var clients = logins.ToArray();
        var users = clients.Select(c => c.User).ToArray();
        Console.Error.WriteLine(string.Create(Inv, $"logged in {clients.Length} users in {login.Elapsed.TotalSeconds:F1} s"));
        if (skipped.Count > 0)
        {
            Console.Error.WriteLine($"left out (nothing open to pay): {string.Join(", ", skipped)}");
        }
        VirtualUser[]? usageClients = null;
        if (options.UsageUser is { } usageEmail)
        {
            // Each virtual user gets a second login (own connection and cookies), all as the same member
            // of the largest usage account: its pages are what the issue asks to be measured.
            var usageUser = new BenchUser(usageEmail, "", 0, []);
            usageClients = new VirtualUser[clients.Length];
            using var gate = new SemaphoreSlim(4);
            await Task.WhenAll(clients.Select(async (_, i) =>
            {
                await gate.WaitAsync();
                try
                {
                    usageClients[i] = await VirtualUser.LoginAsync(options.Url, usageUser, options.Password, i, null, ConnectionsPerUser);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        try
        {
            var usagePages = usageClients is null ? [] : await UsagePagesAsync(usageClients[0]);
            var pages = await ProbeAsync(clients[0], usageClients?[0], [.. Pages, .. usagePages, .. options.ReferenceUrl is null ? [] : new[] { ReferencePage }]);
            var results = new List<PhaseResult>();
            var runAt = DateTime.UtcNow;
            if (options.SettleSeconds > 0)
            {
                // Every page of the run, mixed and unrecorded, until the JIT has settled: tiered compilation
                // keeps recompiling hot methods for 20-30 s of load after start (its thread was measured at a
                // quarter of the process's CPU over the first 25 s), which the first phases would otherwise be
                // charged for and the later ones not, skewing the ratios between pages of one run.
                Console.Error.WriteLine(string.Create(Inv, $"settling: every page mixed for {options.SettleSeconds} s, not recorded"));
                await RunLoopAsync(clients, usageClients, [.. pages, Health], TimeSpan.FromSeconds(options.SettleSeconds), record: false);
            }

            if (options.Rates is { } rates)
            {
                PrintOpen(await RunOpenAsync(rates, clients, usageClients, pages), users, runAt);
                return 0;
            }

            if (options.Mode is "mix" or "both")
            {
                results.Add(await RunPhaseAsync("mix", clients, usageClients, pages));
            }

            if (options.Mode is "each" or "both")
            {
                foreach (var page in pages)
                {
                    results.Add(await RunPhaseAsync($"alone: {page.Name}", clients, usageClients, [page]));
                }
            }

            results.Add(await RunPhaseAsync("healthz", clients, usageClients, [Health]));
            Print(results, users, runAt);
            return 0;
        }
        finally
        {
            foreach (var client in clients.Concat(usageClients ?? []))
            {
                client?.Dispose();
            }
        }
    }

    /// <summary>
    /// The usage page for the current period, a past period and a past period narrowed to one product:
    /// the period and product are read from the page's own pickers (the bill day and zone decide them).
    /// </summary>
    private static async Task<PageSpec[]> UsagePagesAsync(VirtualUser user)
    {
        var html = await user.GetTextAsync("/usage");
        if (html is null)
        {
            Console.Error.WriteLine("left out: the usage pages (/usage did not answer 200)");
            return [];
        }

        var periods = Options(html, "period");
        var products = Options(html, "product");
        var pages = new List<PageSpec> { new("usage, current period `/usage`", (_, _) => "/usage", Usage: true) };
        // Newest first: the second is the last complete period.
        if (periods.Length > 1)
        {
            var period = periods[1];
            pages.Add(new($"usage, past period `/usage?period={period}`", (_, _) => $"/usage?period={period}", Usage: true));
            if (products.Length > 0)
            {
                var product = products[0];
                var path = $"/usage?period={period}&product={Uri.EscapeDataString(product)}";
                pages.Add(new($"usage, past period, one product `{path}`", (_, _) => path, Usage: true));
            }
        }

        return [.. pages];
    }

    // The non-empty option values of a <select> (by its id) on a page.
    private static string[] Options(string html, string id)
    {
        var start = html.IndexOf($"<select id=\"{id}\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return [];
        }

        var end = html.IndexOf("</select>", start, StringComparison.Ordinal);
        return [.. OptionValue().Matches(html[start..end]).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Where(v => v.Length > 0)];
    }

    [GeneratedRegex("<option value=\"([^\"]*)\"")]
    private static partial Regex OptionValue();

    // A page that is not there (404 for the first user) is left out and reported, not counted as errors.
    private async Task<PageSpec[]> ProbeAsync(VirtualUser first, VirtualUser? firstUsage, PageSpec[] all)
    {
        var present = new List<PageSpec>();
        var wanted = options.OnlyPages is null ? all : all.Where(p => options.OnlyPages.Any(o => p.Name.Contains(o, StringComparison.OrdinalIgnoreCase))).ToArray();
        foreach (var page in wanted)
        {
            var user = page.Usage ? firstUsage! : first;
            var path = page.Path(user.User, user.Random);
            int status;
            try
            {
                (status, _) = await user.SendAsync(page, path);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                status = 0;
            }

            if (status is >= 200 and < 300)
            {
                present.Add(page);
            }
            else
            {
                Console.Error.WriteLine(string.Create(Inv, $"left out: {page.Name} answered {status} on {path}"));
            }
        }

        return [.. present];
    }

    private async Task<PhaseResult> RunPhaseAsync(string name, VirtualUser[] clients, VirtualUser[]? usageClients, PageSpec[] pages)
    {
        // Warm-up: the same loop, results thrown away (JIT, the database's page cache, connection pools).
        await RunLoopAsync(clients, usageClients, pages, TimeSpan.FromSeconds(options.WarmupSeconds), record: false);
        // A phase of the reference alone is charged to the reference's process, which the proxy never sees.
        var reference = pages.All(p => p.Reference);
        var server = reference ? new CpuMeter(options.ReferencePid is int r ? [r] : []) : options.Server;
        var proxy = reference ? null : options.Proxy;
        var serverBefore = server.Read();
        var proxyBefore = proxy?.Read();
        var databaseBefore = options.Database?.Read();
        var stopwatch = Stopwatch.StartNew();
        var samples = await RunLoopAsync(clients, usageClients, pages, TimeSpan.FromSeconds(options.Seconds), record: true);
        var elapsed = stopwatch.Elapsed;
        var cpu = server.Since(serverBefore);
        var proxyCpu = proxyBefore is null ? (TimeSpan?)null : proxy!.Since(proxyBefore);
        var databaseCpu = databaseBefore is null ? (TimeSpan?)null : options.Database!.Since(databaseBefore);
        var rows = pages.Select((page, p) =>
        {
            var latencies = samples.SelectMany(s => s.Latencies[p]).ToArray();
            Array.Sort(latencies);
            return new PageResult(page.Name, latencies, samples.Sum(s => s.Errors[p]));
        }).ToList();
        var result = new PhaseResult(name, elapsed, rows, cpu, proxyCpu, databaseCpu);
        Console.Error.WriteLine(string.Create(Inv, $"phase {name}: {rows.Sum(r => r.Requests):N0} requests in {elapsed.TotalSeconds:F1} s"));
        return result;
    }

    private async Task<UserSamples[]> RunLoopAsync(VirtualUser[] clients, VirtualUser[]? usageClients, PageSpec[] pages, TimeSpan duration, bool record)
    {
        using var stop = new CancellationTokenSource(duration);
        var perUserBudget = Math.Max(1, options.MaxRequestsPerPhase / clients.Length);
        var tasks = clients.Select(user => Task.Run(async () =>
        {
            var samples = new UserSamples(pages.Length);
            var next = user.Index % pages.Length;
            for (long n = 0; n < perUserBudget && !stop.IsCancellationRequested; n++)
            {
                var p = next;
                next = (next + 1) % pages.Length;
                var client = pages[p].Usage ? usageClients![user.Index] : user;
                var path = pages[p].Path(client.User, client.Random);
                var started = Stopwatch.GetTimestamp();
                int status;
                long ticks;
                try
                {
                    (status, ticks) = await client.SendAsync(pages[p], path);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
                {
                    // Refused, reset, over the client's timeout or a form without what it needs: an error, not the end of the run.
                    status = 0;
                    ticks = Stopwatch.GetTimestamp() - started;
                    if (record && samples.Errors[p] == 0)
                    {
                        Console.Error.WriteLine($"  {client.User.Email} {path}: {e.GetType().Name}: {e.Message}");
                    }
                }
                if (!record)
                {
                    continue;
                }

                samples.Latencies[p].Add(ticks);
                if (status is < 200 or >= 300)
                {
                    samples.Errors[p]++;
                    if (samples.Errors[p] == 1)
                    {
                        Console.Error.WriteLine(string.Create(Inv, $"  {client.User.Email} {path}: {status}"));
                    }
                }
            }

            return samples;
        })).ToArray();
        return await Task.WhenAll(tasks);
    }

    // The run's first lines: when, against what, with whom, for how long.
    private void AppendHeader(StringBuilder text, BenchUser[] users, DateTime runAt)
    {
        text.AppendLine(Inv, $"Run at {runAt:yyyy-MM-dd HH:mm} UTC against {options.Url}: {users.Length} virtual users (distinct logins), {options.SettleSeconds} s of every page mixed to let the JIT settle, then per phase {options.WarmupSeconds} s warm-up and {options.Seconds} s measured.");
        text.AppendLine(Inv, $"Accounts of the users: {users.Min(u => u.InvoiceCount):N0} to {users.Max(u => u.InvoiceCount):N0} invoices (median {users.Select(u => u.InvoiceCount).Order().ElementAt(users.Length / 2):N0}).");
        if (options.UsageUser is not null)
        {
            text.AppendLine(Inv, $"Usage pages: every virtual user also logged in as {options.UsageUser}, a member of the account with the most usage records.");
        }
        text.AppendLine();
    }

    // The CPU columns of the table (what Cpu fills in), and the lines above the table that explain them.
    private List<string> CpuColumns(StringBuilder text, double? referenceCpu)
    {
        var withCpu = options.Server.Any;
        if (referenceCpu is not null)
        {
            text.AppendLine(Inv, $"Reference: the overview's figures in hand-written SQL (bench/Portal.Bench/Reference) cost {referenceCpu:F3} ms of its process's CPU per request.");
            text.AppendLine();
        }

        var columns = new List<string> { "server CPU ms/request" };
        if (options.Proxy is not null)
        {
            columns.Add("nginx CPU ms/request");
        }

        if (options.Database is not null)
        {
            columns.Add("PostgreSQL CPU ms/request");
        }

        columns.Add("req/s on 2 idle cores (est.)");
        if (referenceCpu is not null)
        {
            columns.Add("CPU × reference");
        }

        if (withCpu && columns.Count > 2 + (referenceCpu is null ? 0 : 1))
        {
            text.AppendLine("Server CPU is the sum over the portal processes; the estimate of two idle cores counts every CPU column (portal, nginx, PostgreSQL's backends of the database).");
            text.AppendLine();
        }

        return columns;
    }

    private void Print(List<PhaseResult> results, BenchUser[] users, DateTime runAt)
    {
        var health = results.Last().Pages[0];
        var healthRate = health.Requests / results.Last().Elapsed.TotalSeconds;
        var text = new StringBuilder();
        AppendHeader(text, users, runAt);
        var withCpu = options.Server.Any;
        // Each page's CPU per request as a multiple of the hand-written-SQL overview's, measured in the same run.
        var reference = results.FirstOrDefault(r => r.Pages.Count == 1 && r.Pages[0].Name == ReferencePage.Name && r.Pages[0].Requests > 0 && r.ServerCpu > TimeSpan.Zero);
        double? referenceCpu = reference is null ? null : reference.ServerCpu.TotalMilliseconds / reference.Pages[0].Requests;
        var columns = CpuColumns(text, referenceCpu);
        var cpuColumns = " " + string.Join(" | ", columns) + " |";
        text.AppendLine("| phase | page | requests | req/s | p50 ms | p99 ms | max ms | errors | req/s vs /healthz |" + (withCpu ? cpuColumns : ""));
        text.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|" + (withCpu ? string.Concat(columns.Select(_ => "--:|")) : ""));
        var empty = string.Concat(columns.Select(_ => " |"));
        foreach (var phase in results)
        {
            var seconds = phase.Elapsed.TotalSeconds;
            foreach (var page in phase.Pages)
            {
                var rate = page.Requests / seconds;
                text.Append(Inv, $"| {phase.Name} | {page.Name} | {page.Requests:N0} | {rate:N0} | {page.Percentile(0.50):F2} | {page.Percentile(0.99):F2} | {page.Max:F2} | {page.Errors:N0} | {rate / healthRate:P1} |");
                text.AppendLine(withCpu && phase.Pages.Count == 1 ? Cpu(phase, page.Requests, referenceCpu, columns.Count) : withCpu ? empty : "");
            }

            if (phase.Pages.Count > 1)
            {
                var all = phase.Pages.SelectMany(p => p.Latencies).Order().ToArray();
                var total = new PageResult("all pages", all, phase.Pages.Sum(p => p.Errors));
                var rate = total.Requests / seconds;
                text.Append(Inv, $"| {phase.Name} | **all pages** | {total.Requests:N0} | {rate:N0} | {total.Percentile(0.50):F2} | {total.Percentile(0.99):F2} | {total.Max:F2} | {total.Errors:N0} | {rate / healthRate:P1} |");
                text.AppendLine(withCpu ? Cpu(phase, total.Requests, referenceCpu, columns.Count) : "");
            }
        }

        Console.Write(text.ToString());
    }

    // What a request costs the server in CPU, and so how many a second two otherwise idle cores could
    // serve: an estimate that a busy shared machine disturbs much less than the wall-clock figures.
    private string Cpu(PhaseResult phase, long requests, double? referenceCpu, int columns)
    {
        if (requests == 0 || phase.ServerCpu <= TimeSpan.Zero)
        {
            return string.Concat(Enumerable.Repeat(" |", columns));
        }

        var perRequest = phase.ServerCpu.TotalMilliseconds / requests;
        var cells = new StringBuilder(string.Create(Inv, $" {perRequest:F2} |"));
        var all = perRequest;
        if (options.Proxy is not null)
        {
            // The reference's phase never passes the proxy: its cell stays empty.
            var proxy = phase.ProxyCpu?.TotalMilliseconds / requests;
            cells.Append(proxy is null ? " |" : string.Create(Inv, $" {proxy:F2} |"));
            all += proxy ?? 0;
        }

        if (options.Database is not null)
        {
            var database = (phase.DatabaseCpu?.TotalMilliseconds ?? 0) / requests;
            cells.Append(Inv, $" {database:F2} |");
            all += database;
        }

        cells.Append(Inv, $" {2000 / all:N0} |");
        if (referenceCpu is not null)
        {
            cells.Append(Inv, $" {perRequest / referenceCpu:F1} |");
        }

        return cells.ToString();
    }

    private static IEnumerable<BenchUser> ReadUsers(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split('\t');
            yield return new BenchUser(parts[0], parts[1], int.Parse(parts[2], Inv), parts[3].Split(',', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    private sealed record PhaseResult(string Name, TimeSpan Elapsed, List<PageResult> Pages, TimeSpan ServerCpu, TimeSpan? ProxyCpu, TimeSpan? DatabaseCpu);

    private sealed record PageResult(string Name, long[] Latencies, long Errors)
    {
        public long Requests => Latencies.Length;

        public double Max => Latencies.Length == 0 ? 0 : Ms(Latencies[^1]);

        /// <summary>Nearest-rank percentile over the sorted latencies, in milliseconds.</summary>
        public double Percentile(double p) =>
            Latencies.Length == 0 ? 0 : Ms(Latencies[Math.Clamp((int)Math.Ceiling(p * Latencies.Length) - 1, 0, Latencies.Length - 1)]);

        private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
    }

    private sealed class UserSamples(int pages)
    {
        public List<long>[] Latencies { get; } = Enumerable.Range(0, pages).Select(_ => new List<long>(4096)).ToArray();

        public long[] Errors { get; } = new long[pages];
    }

    /// <summary>What a confirm posts back of its review: the key the review minted and the invoices' versions it showed.</summary>
    private sealed record PreparedConfirm(string Key, string Reviewed);

    /// <summary>One person: own connection, own cookies, requests one after another (closed loop) or on a schedule (open loop).</summary>
    private sealed partial class VirtualUser : IDisposable
    {
        private readonly HttpClient _client;
        private readonly HttpClient? _reference;
        private readonly byte[] _buffer = new byte[16 * 1024];
        private string? _token;
        private string? _methodId;
        private int _prepareFailed;

        private VirtualUser(Uri baseUrl, BenchUser user, int index, Uri? referenceUrl, int connections)
        {
            User = user;
            Index = index;
            Random = new Random(index);
            var handler = new SocketsHttpHandler
            {
                CookieContainer = new CookieContainer(),
                UseCookies = true,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                MaxConnectionsPerServer = connections,
            };
            _client = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
            if (referenceUrl is not null)
            {
                _reference = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
                {
                    BaseAddress = referenceUrl,
                    Timeout = TimeSpan.FromSeconds(30),
                };
            }
        }

        public BenchUser User { get; }

        /// <summary>The virtual user's place (0 to users - 1), which sets its first page and its usage login.</summary>
        public int Index { get; set; }

        public Random Random { get; }

        /// <summary>
        /// Logs in through the form. <paramref name="connections"/>: one for the closed loop (the user's requests
        /// one after another); more for the open loop, where a user's next request is sent while an earlier one
        /// is still waiting for its answer (one connection would queue it behind that answer).
        /// </summary>
        public static async Task<VirtualUser> LoginAsync(Uri baseUrl, BenchUser user, string password, int index, Uri? referenceUrl, int connections)
        {
            var client = new VirtualUser(baseUrl, user, index, referenceUrl, connections);
            var form = await client._client.GetStringAsync(new Uri("/login", UriKind.Relative));
            var token = TokenField().Match(form);
            if (!token.Success)
            {
                throw new InvalidOperationException("The login page has no antiforgery token.");
            }

            using var content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Login"] = user.Email,
                ["Input.Password"] = password,
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            });
            using var response = await client._client.PostAsync(new Uri("/login", UriKind.Relative), content);
            if (response.StatusCode != HttpStatusCode.Redirect)
            {
                throw new InvalidOperationException($"Login of {user.Email} answered {(int)response.StatusCode}, not a redirect (is Security:SecureCookies false for plain http?).");
            }

            // The first page sets the current-account cookie.
            await client.GetAsync(client._client, "/", CancellationToken.None);
            return client;
        }

        /// <summary>Requests a page (a GET, or a step of the payment flow) and returns its status and the ticks it took.</summary>
        public async Task<(int Status, long Ticks)> SendAsync(PageSpec page, string path)
        {
            if (page.Pay == PayStep.None)
            {
                var started = Stopwatch.GetTimestamp();
                var (status, _) = await GetAsync(page.Reference ? _reference! : _client, path, CancellationToken.None);
                return (status, Stopwatch.GetTimestamp() - started);
            }

            await PreparePayAsync();
            var reviewStarted = Stopwatch.GetTimestamp();
            var (reviewStatus, reviewHtml) = await ReviewAsync();
            var reviewTicks = Stopwatch.GetTimestamp() - reviewStarted;
            if (page.Pay == PayStep.Review || reviewStatus != (int)HttpStatusCode.OK)
            {
                return (reviewStatus, reviewTicks);
            }

            var fields = ConfirmFields(reviewHtml);
            var confirmStarted = Stopwatch.GetTimestamp();
            var confirmStatus = await ConfirmAsync(fields);
            return (confirmStatus, Stopwatch.GetTimestamp() - confirmStarted);
        }

        /// <summary>
        /// Open loop: this user's confirms one at a time (each needs a review drawn after the previous one
        /// was charged, or the invoice's version has moved and the confirm is refused), and the review
        /// drawn ahead for the next one.
        /// </summary>
        public SemaphoreSlim PayGate { get; } = new(1);

        public PreparedConfirm? NextConfirm { get; set; }

        /// <summary>
        /// Draws a review untimed and returns what its confirm posts; null (and the reason on stderr, once
        /// per user) when it could not be drawn, so that the next confirm draws it again inside its own time.
        /// </summary>
        public async Task<PreparedConfirm?> TryPrepareConfirmAsync()
        {
            try
            {
                await PreparePayAsync();
                var (status, html) = await ReviewAsync();
                if (status == (int)HttpStatusCode.OK)
                {
                    return ConfirmFields(html);
                }

                ReportPrepareFailure($"review answered {status}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                ReportPrepareFailure($"{e.GetType().Name}: {e.Message}");
            }

            return null;
        }

        private void ReportPrepareFailure(string why)
        {
            if (Interlocked.Exchange(ref _prepareFailed, 1) == 0)
            {
                Console.Error.WriteLine($"  {User.Email}: the review ahead of a confirm failed ({why})");
            }
        }

        /// <summary>The confirm alone, of a review drawn before: 200 for the redirect to the done page.</summary>
        public async Task<int> ConfirmAsync(PreparedConfirm fields)
        {
            using var confirm = await PostAsync("/pay?handler=Confirm", new()
            {
                ["ConfirmKey"] = fields.Key,
                ["Reviewed"] = fields.Reviewed,
                ["MethodId"] = _methodId!,
            });
            await confirm.Content.ReadAsByteArrayAsync();
            // Success is the redirect to the done page; a 200 is the form again with a message.
            var done = confirm.StatusCode == HttpStatusCode.Redirect && confirm.Headers.Location?.OriginalString.StartsWith("/pay/done/", StringComparison.Ordinal) == true;
            return done ? 200 : confirm.StatusCode == HttpStatusCode.OK ? 422 : (int)confirm.StatusCode;
        }

        // The review of a payment of 0.01 (oldest invoice first, the saved card): its status and page.
        private async Task<(int Status, string Html)> ReviewAsync()
        {
            using var review = await PostAsync("/pay?handler=Review", new()
            {
                ["Mode"] = "amount",
                ["Total"] = "0.01",
                ["MethodId"] = _methodId!,
            });
            return ((int)review.StatusCode, await review.Content.ReadAsStringAsync());
        }

        // What the confirm posts back of a review page: the key it minted and the invoices' versions it showed.
        private static PreparedConfirm ConfirmFields(string reviewHtml) => new(
            HiddenField(reviewHtml, "ConfirmKey") ?? throw new InvalidOperationException("The review page has no confirm key (no open invoice to pay?)."),
            HiddenField(reviewHtml, "Reviewed") ?? throw new InvalidOperationException("The review page has no reviewed parts."));

        /// <summary>Whether the account has something open to pay (and a saved method): reads the payment page once.</summary>
        public async Task<bool> CanPayAsync()
        {
            var html = await GetTextAsync("/pay");
            return html is not null && !html.Contains("data-test=\"nothing-open\"", StringComparison.Ordinal) && MethodField().IsMatch(html);
        }

        // The antiforgery token and the saved card, read once from the payment page (the token is good
        // for every form of this login).
        public async Task PreparePayAsync()
        {
            if (_token is not null)
            {
                return;
            }

            var html = await GetTextAsync("/pay") ?? throw new InvalidOperationException("/pay did not answer 200.");
            var token = TokenField().Match(html);
            var method = MethodField().Match(html);
            if (!token.Success || !method.Success)
            {
                throw new InvalidOperationException("/pay has no form token or no saved method (run the cards step).");
            }

            _methodId = method.Groups[1].Value;
            _token = WebUtility.HtmlDecode(token.Groups[1].Value);
        }

        private async Task<HttpResponseMessage> PostAsync(string path, Dictionary<string, string> fields)
        {
            fields["__RequestVerificationToken"] = _token!;
            using var content = new FormUrlEncodedContent(fields);
            return await _client.PostAsync(new Uri(path, UriKind.Relative), content);
        }

        private static string? HiddenField(string html, string name)
        {
            var match = Regex.Match(html, $"name=\"{name}\"[^>]*value=\"([^\"]*)\"", RegexOptions.CultureInvariant);
            return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
        }

        private async Task<(int Status, long Bytes)> GetAsync(HttpClient client, string path, CancellationToken ct)
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            long bytes = 0;
            int read;
            while ((read = await body.ReadAsync(_buffer, ct)) > 0)
            {
                bytes += read;
            }

            return ((int)response.StatusCode, bytes);
        }

        /// <summary>A page's HTML, or null when it does not answer 200.</summary>
        public async Task<string?> GetTextAsync(string path)
        {
            using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
        }

        public void Dispose()
        {
            _client.Dispose();
            _reference?.Dispose();
            PayGate.Dispose();
        }

        [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
        private static partial Regex TokenField();

        [GeneratedRegex("name=\"MethodId\" value=\"([0-9]+)\"")]
        private static partial Regex MethodField();
    }
}
