using MailKit.Security;

namespace Portal.Infrastructure.Email;

/// <summary>E-mail delivery settings, section <c>Email</c>.</summary>
public sealed class EmailOptions
{
    /// <summary>When set, e-mails are written there as .eml files instead of being sent.</summary>
    public string? PickupDirectory { get; set; }

    /// <summary>The sender address when <c>Email:Smtp:From</c> is not set; else the operator's support address.</summary>
    public string? From { get; set; }

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>After this many failed attempts (about a day with the default delays) a message is Failed.</summary>
    public int MaxAttempts { get; set; } = 10;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(8);

    public int BatchSize { get; set; } = 20;

    /// <summary>5 min, 10 min, 20 min, ... at most 8 hours: ten attempts span about a day.</summary>
    public TimeSpan RetryDelay(int failedAttempts)
    {
        var delay = FirstRetryDelay * Math.Pow(2, Math.Min(Math.Max(failedAttempts - 1, 0), 20));
        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }
}

/// <summary>How the SMTP connection is secured (<c>Email:Smtp:Security</c>).</summary>
public enum SmtpSecurity
{
    /// <summary>TLS from the first byte on port 465, else STARTTLS when the server offers it.</summary>
    Auto,

    /// <summary>Plain SMTP; for a relay on the same host only.</summary>
    None,

    /// <summary>Implicit TLS (SMTPS, usually port 465).</summary>
    SslOnConnect,

    /// <summary>STARTTLS, and refuse to send when the server does not offer it (usually port 587).</summary>
    StartTls,

    /// <summary>STARTTLS when the server offers it, plain otherwise.</summary>
    StartTlsWhenAvailable,
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    /// <summary>With <see cref="Password"/>: authenticate (the best mechanism both sides offer).</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    /// <summary>Earlier setting, kept for existing configurations: true means <see cref="SmtpSecurity.StartTls"/> when <see cref="Security"/> is left at Auto.</summary>
    public bool EnableSsl { get; set; }

    /// <summary>
    /// A PEM or DER certificate file to trust for the server besides the machine's store: a private CA,
    /// or the server's own self-signed certificate.
    /// </summary>
    public string? TrustedCertificateFile { get; set; }

    /// <summary>Check the server certificate's revocation (needs the CA's list reachable).</summary>
    public bool CheckCertificateRevocation { get; set; } = true;

    public string? From { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    internal SecureSocketOptions SocketOptions => (Security, EnableSsl) switch
    {
        (SmtpSecurity.Auto, true) => SecureSocketOptions.StartTls,
        (SmtpSecurity.Auto, false) => SecureSocketOptions.Auto,
        (SmtpSecurity.None, _) => SecureSocketOptions.None,
        (SmtpSecurity.SslOnConnect, _) => SecureSocketOptions.SslOnConnect,
        (SmtpSecurity.StartTls, _) => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.StartTlsWhenAvailable,
    };
}
