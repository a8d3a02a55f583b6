using System.Globalization;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Data;
using Portal.Infrastructure.Telemetry;
using Portal.Infrastructure.Workers;

namespace Portal.Infrastructure.Email;

/// <summary>
/// Sends the e-mail outbox. Each pass claims a batch of due messages through <see cref="WorkLeases"/>
/// (so two instances never send one message at once, and a crashed sender's claim runs out), then
/// sends them by SMTP through MailKit or writes them to the pickup directory as .eml files through
/// MimeKit. A failure is counted and retried later with a growing delay; nothing is lost while the
/// SMTP server is down.
/// </summary>
public sealed class EmailSender(
    IServiceScopeFactory scopes,
    OperatorSettingsCache operatorSettings,
    WorkLeases leases,
    IOptions<EmailOptions> emailOptions,
    IOptions<WorkerOptions> workerOptions,
    IHostEnvironment environment,
    ILogger<EmailSender> logger) : PollingWorker(workerOptions.Value, logger)
{
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(30);

    private readonly EmailOptions _options = emailOptions.Value;
    private string? _defaultPickup;

    /// <summary>Where e-mails go when neither SMTP nor a pickup directory is configured (the out-of-the-box demo).</summary>
    public string DefaultPickupDirectory => Path.Combine(environment.ContentRootPath, "data", "mail");

    public override async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var pending = db.EmailMessages.Where(m => m.Status == EmailStatus.Pending);
        await leases.ReportBacklogAsync(nameof(EmailSender), pending, ct);
        // Sent one after another: the lease covers a batch of slow answers (an unreachable server costs one
        // timeout per batch: the transport gives up on the rest after a failed connection).
        var leaseFor = (_options.Smtp.Timeout * _options.BatchSize) + (workerOptions.Value.LeaseMargin ?? LeaseMargin);
        await using var claim = await leases.ClaimAsync(db, pending, _options.BatchSize, leaseFor, ct);
        if (claim.Count == 0)
        {
            return 0;
        }

        var from = await FromAsync(ct);
        await using var transport = CreateTransport();
        foreach (var id in claim.Ids)
        {
            // Stopping (SIGTERM, a deploy): start nothing more; disposing the claim hands the rest back, due at
            // once for another instance. The message in hand is finished, not cut off mid-transfer (which
            // could leave it accepted by the server yet handed back, and sent twice); the SMTP timeout bounds it.
            if (ct.IsCancellationRequested)
            {
                break;
            }

            await SendOneAsync(db, transport, from, id, claim.Lease, CancellationToken.None);
            claim.Done(id);
        }

        return claim.Count;
    }

    private async Task SendOneAsync(PortalDb db, MailTransport transport, MailboxAddress from, long id, DateTime lease, CancellationToken ct)
    {
        var message = await db.EmailMessages.AsNoTracking().Include(m => m.Attachments).AsSplitQuery().SingleAsync(m => m.Id == id, ct);
        string? error = null;
        var permanent = false;
        try
        {
            var mail = Compose(message, from);
            await transport.SendAsync(mail, ct);
        }
        catch (ParseException ex)
        {
            error = "The address is not valid: " + ex.Message;
            permanent = true;
        }
        catch (SmtpCommandException ex) when (ex.ErrorCode == SmtpErrorCode.RecipientNotAccepted && (int)ex.StatusCode >= 500)
        {
            error = $"The server refused the recipient: {(int)ex.StatusCode} {ex.Message}";
            permanent = true;
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or MailKit.Security.AuthenticationException
            or MailKit.Security.SslHandshakeException or MailKit.ServiceNotConnectedException or MailKit.ServiceNotAuthenticatedException
            or System.Net.Sockets.SocketException or IOException or TimeoutException or NotSupportedException)
        {
            error = ex.InnerException is null ? ex.Message : $"{ex.Message} {ex.InnerException.Message}";
            await transport.ResetAsync();
        }

        var attempts = message.Attempts + 1;
        var finished = leases.Now();
        if (error is null)
        {
            await db.EmailMessages.Where(m => m.Id == id && m.NextAttemptAt == lease)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(m => m.Status, EmailStatus.Sent)
                    .SetProperty(m => m.Attempts, attempts)
                    .SetProperty(m => m.SentAt, finished)
                    .SetProperty(m => m.LastError, (string?)null), ct);
            if (message.Attachments.Count > 0)
            {
                // Sent: the files have done their work (the statement can be drawn again from the ledger).
                await db.EmailAttachments.Where(a => a.EmailMessageId == id).ExecuteDeleteAsync(ct);
            }

            PortalMetrics.EmailSent();
            return;
        }

        var failed = permanent || attempts >= _options.MaxAttempts;
        var next = finished + _options.RetryDelay(attempts);
        var lastError = error.Length > 1000 ? error[..1000] : error;
        await db.EmailMessages.Where(m => m.Id == id && m.NextAttemptAt == lease)
            .ExecuteUpdateAsync(u => u
                .SetProperty(m => m.Status, failed ? EmailStatus.Failed : EmailStatus.Pending)
                .SetProperty(m => m.Attempts, attempts)
                .SetProperty(m => m.NextAttemptAt, next)
                .SetProperty(m => m.LastError, lastError), ct);
        PortalMetrics.EmailFailed(failed);
        logger.LogWarning("E-mail {MessageId} ({Kind}) not sent, attempt {Attempts}: {Error}; {Outcome}.", id, message.Kind, attempts, lastError,
            failed ? "given up" : "retrying at " + next.ToString("O", CultureInfo.InvariantCulture));
    }

    internal static MimeMessage Compose(EmailMessage message, MailboxAddress from)
    {
        var mail = new MimeMessage { Subject = message.Subject };
        mail.From.Add(from);
        mail.To.Add(MailboxAddress.Parse(message.To));
        mail.Headers.Add("X-Portal-Message-Id", message.Id.ToString(CultureInfo.InvariantCulture));
        var text = Part("plain", message.TextBody);
        // multipart/alternative: plain text first, the richest part last.
        MimeEntity body = message.HtmlBody is null ? text : new MultipartAlternative { text, Part("html", message.HtmlBody) };
        if (message.Attachments.Count > 0)
        {
            var mixed = new Multipart("mixed") { body };
            foreach (var file in message.Attachments)
            {
                mixed.Add(new MimePart(ContentType.Parse(file.ContentType))
                {
                    Content = new MimeContent(new MemoryStream(file.Content, writable: false)),
                    ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                    ContentTransferEncoding = ContentEncoding.Base64,
                    FileName = file.FileName,
                });
            }

            body = mixed;
        }

        mail.Body = body;
        return mail;
    }

    // Quoted-printable keeps the text readable in the raw message (and in the .eml files tests read).
    private static TextPart Part(string subtype, string content) =>
        new(subtype) { Text = content, ContentTransferEncoding = ContentEncoding.QuotedPrintable };

    private MailTransport CreateTransport()
    {
        var pickup = _options.PickupDirectory;
        var smtp = _options.Smtp;
        if (string.IsNullOrWhiteSpace(pickup) && string.IsNullOrWhiteSpace(smtp.Host))
        {
            pickup = DefaultPickupDirectory;
            if (_defaultPickup is null)
            {
                _defaultPickup = pickup;
                logger.LogWarning("No SMTP server is configured (Email:Smtp:Host): e-mails are written as .eml files to {Directory}.", pickup);
            }
        }

        if (!string.IsNullOrWhiteSpace(pickup))
        {
            var full = Path.GetFullPath(pickup, environment.ContentRootPath);
            Directory.CreateDirectory(full);
            return new PickupTransport(full);
        }

        return new SmtpTransport(smtp, environment.ContentRootPath);
    }

    private async Task<MailboxAddress> FromAsync(CancellationToken ct)
    {
        var settings = await operatorSettings.GetAsync(ct);
        var address = _options.Smtp.From ?? _options.From ?? settings.SupportEmail ?? "no-reply@localhost";
        return new MailboxAddress(settings.Name, address);
    }
}

public static class EmailSenderSetup
{
    /// <summary>The e-mail outbox sender (section <c>Email</c>): a background worker unless <c>Workers:Enabled</c> is false.</summary>
    public static WebApplicationBuilder AddEmailSender(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmailOptions>().Bind(builder.Configuration.GetSection("Email"));
        builder.Services.AddWorkerOptions(builder.Configuration);
        builder.Services.AddSingleton<EmailSender>();
        if (builder.Configuration.WorkersEnabled())
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<EmailSender>());
        }

        return builder;
    }
}
