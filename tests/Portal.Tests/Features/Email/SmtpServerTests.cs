using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Portal.Data;
using Portal.Infrastructure.Email;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features.Email;

/// <summary>
/// The e-mail sender against a real SMTP server (npm's smtp-server, tests/smtp, installed by test.sh)
/// that the test starts on a free loopback port, with a certificate the test makes and AUTH required.
/// What arrived is read back from the server's files and parsed.
/// </summary>
public sealed class SmtpServerTests : IDisposable
{
    private const string User = "portal";
    private const string Password = "s3cret-pass";

    private readonly string _dir = Directory.CreateTempSubdirectory("portal-smtp-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_message_goes_out_over_starttls_with_authentication_and_arrives_whole()
    {
        await using var server = await SmtpServer.StartAsync(_dir, implicitTls: false);
        await using var portal = WorkerPortal.Start(Settings(server, "StartTls", Password));
        var id = await EnqueueAsync(portal, "Pat Müller <pat@customer.example>", "Reçu 123: paid", "<p>Merci, <b>Pat</b>.</p>");

        Assert.Equal(1, await portal.Get<EmailSender>().RunOnceAsync(Ct));

        var (mail, envelope) = server.Received(1);
        Assert.Equal("Reçu 123: paid", mail.Subject);
        Assert.Equal("billing@operator.example", mail.From.Mailboxes.Single().Address);
        Assert.Equal("pat@customer.example", mail.To.Mailboxes.Single().Address);
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), mail.Headers["X-Portal-Message-Id"]);
        Assert.Equal("Hello from the portal.\nSecond line.", mail.TextBody!.ReplaceLineEndings("\n").TrimEnd());
        Assert.Equal("<p>Merci, <b>Pat</b>.</p>", mail.HtmlBody!.Trim());
        Assert.IsType<MultipartAlternative>(mail.Body);
        Assert.True(envelope.GetProperty("secure").GetBoolean(), "the session was not upgraded by STARTTLS");
        Assert.Equal(User, envelope.GetProperty("user").GetString());
        Assert.Equal("billing@operator.example", envelope.GetProperty("from").GetString());

        var stored = await portal.WithDbAsync(db => db.EmailMessages.AsNoTracking().SingleAsync(m => m.Id == id));
        Assert.Equal((EmailStatus.Sent, 1), (stored.Status, stored.Attempts));
    }

    [Fact]
    public async Task A_message_goes_out_over_implicit_tls()
    {
        await using var server = await SmtpServer.StartAsync(_dir, implicitTls: true);
        await using var portal = WorkerPortal.Start(Settings(server, "SslOnConnect", Password));
        await EnqueueAsync(portal, "lee@customer.example", "Your invitation", html: null);
        await EnqueueAsync(portal, "kim@customer.example", "Your receipt", html: null);

        Assert.Equal(2, await portal.Get<EmailSender>().RunOnceAsync(Ct));

        var first = server.Received(1);
        var second = server.Received(2);
        Assert.Equal(["lee@customer.example", "kim@customer.example"], new[] { first, second }.Select(r => r.Mail.To.Mailboxes.Single().Address).Order().Reverse());
        Assert.All(new[] { first, second }, r => Assert.True(r.Envelope.GetProperty("secure").GetBoolean()));
        Assert.IsType<TextPart>(first.Mail.Body);
    }

    [Fact]
    public async Task A_refused_password_keeps_the_message_for_a_retry_with_the_reason()
    {
        await using var server = await SmtpServer.StartAsync(_dir, implicitTls: false);
        await using var portal = WorkerPortal.Start(Settings(server, "StartTls", "wrong-password"));
        var id = await EnqueueAsync(portal, "pat@customer.example", "Payment failed", html: null);

        await portal.Get<EmailSender>().RunOnceAsync(Ct);

        var stored = await portal.WithDbAsync(db => db.EmailMessages.AsNoTracking().SingleAsync(m => m.Id == id));
        Assert.Equal((EmailStatus.Pending, 1), (stored.Status, stored.Attempts));
        Assert.Contains("Invalid username or password", stored.LastError, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir, "*.eml"));
    }

    private static Dictionary<string, string?> Settings(SmtpServer server, string security, string password) => new()
    {
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Email:Smtp:Security"] = security,
        ["Email:Smtp:UserName"] = User,
        ["Email:Smtp:Password"] = password,
        ["Email:Smtp:TrustedCertificateFile"] = server.CertificateFile,
        ["Email:Smtp:CheckCertificateRevocation"] = "false",
        ["Email:Smtp:Timeout"] = "00:00:10",
        ["Email:From"] = "billing@operator.example",
    };

    private static async Task<long> EnqueueAsync(WorkerPortal portal, string to, string subject, string? html)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var message = scope.ServiceProvider.GetRequiredService<EmailOutbox>().Enqueue(to, subject, "Hello from the portal.\nSecond line.", html, "test");
        await db.SaveChangesAsync();
        return message.Id;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>tests/smtp/server.js under node, with a self-signed certificate for 127.0.0.1 made here.</summary>
    private sealed class SmtpServer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _dir;

        private SmtpServer(Process process, string dir, int port, string certificateFile)
        {
            _process = process;
            _dir = dir;
            Port = port;
            CertificateFile = certificateFile;
        }

        public int Port { get; }

        public string CertificateFile { get; }

        public static async Task<SmtpServer> StartAsync(string dir, bool implicitTls)
        {
            var script = Repository.PathOf("tests", "smtp", "server.js");
            Assert.True(Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "smtp-server")),
                "tests/smtp has no node_modules: run `npm ci` there (test.sh does).");
            var certificateFile = Path.Combine(dir, "server.pem");
            var keyFile = Path.Combine(dir, "server.key");
            using (var key = RSA.Create(2048))
            {
                var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                var names = new SubjectAlternativeNameBuilder();
                names.AddIpAddress(System.Net.IPAddress.Loopback);
                names.AddDnsName("localhost");
                request.CertificateExtensions.Add(names.Build());
                using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
                await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem());
                await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
            }

            var start = new ProcessStartInfo("node")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { script, dir, certificateFile, keyFile, implicitTls ? "true" : "false", User, Password })
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
            {
                var error = await process.StandardError.ReadToEndAsync(Ct);
                throw new InvalidOperationException($"The SMTP server did not start: {line} {error}");
            }

            return new SmtpServer(process, dir, int.Parse(line[5..], System.Globalization.CultureInfo.InvariantCulture), certificateFile);
        }

        /// <summary>The n-th message the server accepted, parsed, and its envelope.</summary>
        public (MimeMessage Mail, JsonElement Envelope) Received(int n)
        {
            var eml = Path.Combine(_dir, $"{n}.eml");
            Assert.True(File.Exists(eml), $"the server received fewer than {n} messages");
            var envelope = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, $"{n}.json"))).RootElement.Clone();
            return (MimeMessage.Load(eml), envelope);
        }

        public async ValueTask DisposeAsync()
        {
            // Closing its standard input stops it; kill it if it does not go.
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
}
