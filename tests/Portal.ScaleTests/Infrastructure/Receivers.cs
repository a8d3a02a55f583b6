using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Portal.Features.Webhooks;

namespace Portal.ScaleTests.Infrastructure;

/// <summary>What a receiver got: one entry per arrival (a duplicate arrives twice), with when it arrived.</summary>
public sealed class Arrivals
{
    private readonly ConcurrentQueue<(string Key, DateTime At)> _all = new();

    public void Add(string key) => _all.Enqueue((key, DateTime.UtcNow));

    public IReadOnlyList<(string Key, DateTime At)> Snapshot() => [.. _all];

    public int CountWith(string prefix) => _all.Count(a => a.Key.StartsWith(prefix, StringComparison.Ordinal));
}

/// <summary>A webhook receiver: a Kestrel listener in the test process that counts deliveries by event id.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app, Arrivals arrivals, int port)
    {
        _app = app;
        Arrivals = arrivals;
        Port = port;
    }

    public Arrivals Arrivals { get; }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/hook";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var arrivals = new Arrivals();
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            // The body is read whole, as a real receiver does before it answers.
            using var reader = new StreamReader(request.Body);
            await reader.ReadToEndAsync();
            arrivals.Add(request.Headers[WebhookSignature.EventIdHeader].ToString());
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Urls.Single();
        return new WebhookReceiver(app, arrivals, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>
/// tests/smtp/server.js under node (the e-mail tests' real SMTP server: STARTTLS and AUTH required), with a
/// certificate for 127.0.0.1 made here. Messages are counted by their X-Portal-Message-Id header, read from the
/// files it writes.
/// </summary>
public sealed class SmtpReceiver : IAsyncDisposable
{
    public const string User = "portal";
    public const string Password = "scale-s3cret";

    private readonly Process _process;

    private SmtpReceiver(Process process, string dir, int port, string certificateFile)
    {
        _process = process;
        Directory = dir;
        Port = port;
        CertificateFile = certificateFile;
    }

    public string Directory { get; }

    public int Port { get; }

    public string CertificateFile { get; }

    public static async Task<SmtpReceiver> StartAsync(string dir, CancellationToken ct)
    {
        var script = Repository.PathOf("tests", "smtp", "server.js");
        if (!System.IO.Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "smtp-server")))
        {
            throw new InvalidOperationException("tests/smtp has no node_modules: run `npm ci` there (test.sh does).");
        }

        System.IO.Directory.CreateDirectory(dir);
        var (certificateFile, keyFile) = await Certificates.WriteSelfSignedAsync(dir, "smtp");
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, dir, certificateFile, keyFile, "false", User, Password })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The SMTP server did not start: {line} {await process.StandardError.ReadToEndAsync(ct)}");
        }

        return new SmtpReceiver(process, dir, int.Parse(line[5..], CultureInfo.InvariantCulture), certificateFile);
    }

    /// <summary>Whether the server process is still running (a test that waits on it says so when it is not).</summary>
    public bool Running => !_process.HasExited;

    /// <summary>Every message received so far, as its portal message id and the file's time.</summary>
    public IReadOnlyList<(string Key, DateTime At)> Received()
    {
        var result = new List<(string, DateTime)>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.eml"))
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (IOException)
            {
                continue;
            }

            var header = text.Split('\n').FirstOrDefault(l => l.StartsWith("X-Portal-Message-Id:", StringComparison.OrdinalIgnoreCase));
            if (header is not null)
            {
                result.Add((header["X-Portal-Message-Id:".Length..].Trim(), File.GetLastWriteTimeUtc(file)));
            }
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}

public static class Certificates
{
    /// <summary>A self-signed certificate for 127.0.0.1 and localhost, as PEM files in <paramref name="dir"/>.</summary>
    public static async Task<(string Certificate, string Key)> WriteSelfSignedAsync(string dir, string name)
    {
        var certificateFile = Path.Combine(dir, name + ".pem");
        var keyFile = Path.Combine(dir, name + ".key");
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certificateFile, keyFile);
    }
}
