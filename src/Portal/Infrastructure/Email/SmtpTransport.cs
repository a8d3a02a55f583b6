using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MimeKit;

namespace Portal.Infrastructure.Email;

/// <summary>
/// One SMTP connection through MailKit for a pass of the sender: connected (TLS as configured) and
/// authenticated on the first message, reused for the rest. After a failed connection the rest of the
/// pass fails with the same error instead of waiting for a timeout per message.
/// </summary>
internal sealed class SmtpTransport(SmtpOptions options, string contentRoot) : MailTransport
{
    private SmtpClient? _client;
    private Exception? _unreachable;

    public override async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        var client = await ConnectedAsync(ct);
        await client.SendAsync(message, ct);
    }

    private async Task<SmtpClient> ConnectedAsync(CancellationToken ct)
    {
        if (_unreachable is not null)
        {
            throw new IOException(_unreachable.Message, _unreachable);
        }

        if (_client is { IsConnected: true })
        {
            return _client;
        }

        _client?.Dispose();
        var client = new SmtpClient
        {
            Timeout = (int)options.Timeout.TotalMilliseconds,
            CheckCertificateRevocation = options.CheckCertificateRevocation,
        };
        _client = client;
        if (!string.IsNullOrWhiteSpace(options.TrustedCertificateFile))
        {
            var trusted = X509CertificateLoader.LoadCertificateFromFile(Path.GetFullPath(options.TrustedCertificateFile, contentRoot));
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) => Trusts(trusted, certificate, errors);
        }

        try
        {
            await client.ConnectAsync(options.Host ?? "localhost", options.Port, options.SocketOptions, ct);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or TimeoutException or MailKit.Security.SslHandshakeException or SmtpProtocolException)
        {
            _unreachable = ex;
            throw;
        }

        if (!string.IsNullOrEmpty(options.UserName))
        {
            await client.AuthenticateAsync(options.UserName, options.Password ?? "", ct);
        }

        return client;
    }

    // The machine's store first; else the configured certificate, as the server's own or as the CA that signed it.
    private static bool Trusts(X509Certificate2 trusted, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (presented is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        using var server = new X509Certificate2(presented);
        if (server.RawDataMemory.Span.SequenceEqual(trusted.RawDataMemory.Span))
        {
            return true;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(server);
    }

    public override async ValueTask ResetAsync()
    {
        if (_client is not null)
        {
            _client.Dispose();
            _client = null;
        }

        await Task.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_client is { IsConnected: true })
        {
            try
            {
                await _client.DisconnectAsync(quit: true);
            }
            catch (Exception ex) when (ex is IOException or SmtpProtocolException or System.Net.Sockets.SocketException)
            {
                // Everything was sent; a server that hangs up first is no failure.
            }
        }

        _client?.Dispose();
    }
}
