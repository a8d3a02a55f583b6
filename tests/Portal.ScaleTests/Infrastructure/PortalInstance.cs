using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Portal.ScaleTests.Infrastructure;

/// <summary>
/// One portal instance as production runs it: <c>dotnet Portal.dll</c> in a process of its own, configured by
/// environment variables, listening on a loopback port. Its console lines (JSON, with scopes) are kept for the
/// assertions on request ids.
/// </summary>
public sealed partial class PortalInstance : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _environment;
    private static readonly Lock LogFileGate = new();

    private readonly ConcurrentQueue<string> _lines = new();
    private Process? _process;

    private PortalInstance(string name, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        _environment = environment;
    }

    public string Name { get; }

    /// <summary>Its port; the same after a restart (nginx's upstream list names it).</summary>
    public int Port { get; private set; }

    public bool Running => _process is { HasExited: false };

    public IEnumerable<string> LogLines => _lines;

    public static string PortalDll
    {
        get
        {
            // The configuration the tests were built in (bin/<Configuration>/net10.0), for the portal too.
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            var dll = Repository.PathOf("src", "Portal", "bin", configuration, "net10.0", "Portal.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build the solution first.");
        }
    }

    /// <summary>Starts it on a port the system picks, and learns the port from its "Now listening on" line.</summary>
    public static async Task<PortalInstance> StartAsync(string name, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var instance = new PortalInstance(name, environment);
        await instance.LaunchAsync("http://127.0.0.1:0", ct);
        return instance;
    }

    /// <summary>Starts it again on its own port, after a kill.</summary>
    public Task RestartAsync(CancellationToken ct) => LaunchAsync($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}", ct);

    /// <summary>SIGKILL: no shutdown, no hand-back of claimed work, as when a machine dies.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM, as systemd stops a unit: waits for the process to finish its shutdown and returns its exit code.</summary>
    public async Task<int> TerminateAsync(CancellationToken ct)
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} was never started.");
        Interop.Terminate(process.Id);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(TimeSpan.FromSeconds(45));
        await process.WaitForExitAsync(wait.Token);
        return process.ExitCode;
    }

    private async Task LaunchAsync(string url, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.PathOf("src", "Portal"),
        };
        start.ArgumentList.Add(PortalDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(Repository.PathOf("src", "Portal"));
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data, listening);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, listening);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"{Name} exited before listening:\n{Tail()}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        // The first instance on a fresh database migrates it and seeds the demo data: the others wait for it.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(150));
        try
        {
            Port = await listening.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not listen within 150 s:\n{Tail()}");
        }
    }

    private void OnLine(string? line, TaskCompletionSource<int> listening)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        // For a slow or failing run: every instance's lines, timed, in one file.
        if (System.Environment.GetEnvironmentVariable("PORTAL_SCALE_LOG") is { Length: > 0 } file)
        {
            lock (LogFileGate)
            {
                File.AppendAllText(file, $"[{Name} {DateTime.UtcNow:HH:mm:ss.fff}] {line}\n");
            }
        }

        var match = Listening().Match(line);
        if (match.Success)
        {
            listening.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        }
    }

    public string Tail() => string.Join('\n', _lines.TakeLast(40));

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                // SIGTERM first: the graceful path a deployment takes.
                Interop.Terminate(process.Id);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await process.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            process.Dispose();
        }
    }

    [GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();
}

/// <summary>Sends SIGTERM (Process.Kill sends SIGKILL) through kill(1).</summary>
internal static class Interop
{
    public static void Terminate(int pid)
    {
        using var kill = Process.Start("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit(5_000);
    }
}
