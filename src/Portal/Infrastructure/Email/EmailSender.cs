using System.Globalization;
using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Infrastructure.Workers;

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

public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public bool EnableSsl { get; set; }

    public string? From { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Sends the e-mail outbox. Each due message is claimed by moving its <see cref="EmailMessage.NextAttemptAt"/>
/// forward with a conditional update (so two instances never send one message at once, and a crashed
/// sender's claim runs out), then sent by SMTP or written to the pickup directory. A failure is
/// counted and retried later with a growing delay; nothing is lost while the SMTP server is down.
/// </summary>
public sealed class EmailSender(
    IServiceScopeFactory scopes,
    OperatorSettingsCache operatorSettings,
    TimeProvider time,
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
        var now = Now();
        var due = await db.EmailMessages.AsNoTracking()
            .Where(m => m.Status == EmailStatus.Pending && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id)
            .Select(m => m.Id)
            .Take(_options.BatchSize)
            .ToListAsync(ct);
        if (due.Count == 0)
        {
            return 0;
        }

        using var client = CreateClient();
        var from = await FromAsync(ct);
        var attempted = 0;
        foreach (var id in due)
        {
            if (await SendOneAsync(db, client, from, id, ct))
            {
                attempted++;
            }
        }

        return attempted;
    }

    private async Task<bool> SendOneAsync(PortalDb db, SmtpClient client, MailAddress from, long id, CancellationToken ct)
    {
        var now = Now();
        var lease = now + _options.Smtp.Timeout + LeaseMargin;
        var claimed = await db.EmailMessages
            .Where(m => m.Id == id && m.Status == EmailStatus.Pending && m.NextAttemptAt <= now)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.NextAttemptAt, lease), ct);
        if (claimed == 0)
        {
            return false;
        }

        var message = await db.EmailMessages.AsNoTracking().SingleAsync(m => m.Id == id, ct);
        string? error = null;
        var permanent = false;
        try
        {
            using var mail = Compose(message, from);
            await client.SendMailAsync(mail, ct);
        }
        catch (FormatException ex)
        {
            error = "The address is not valid: " + ex.Message;
            permanent = true;
        }
        catch (SmtpException ex)
        {
            error = ex.InnerException is null ? ex.Message : $"{ex.Message} {ex.InnerException.Message}";
        }
        catch (IOException ex)
        {
            error = ex.Message;
        }

        var attempts = message.Attempts + 1;
        var finished = Now();
        if (error is null)
        {
            await db.EmailMessages.Where(m => m.Id == id && m.NextAttemptAt == lease)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(m => m.Status, EmailStatus.Sent)
                    .SetProperty(m => m.Attempts, attempts)
                    .SetProperty(m => m.SentAt, finished)
                    .SetProperty(m => m.LastError, (string?)null), ct);
            return true;
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
        logger.LogWarning("E-mail {MessageId} ({Kind}) not sent, attempt {Attempts}: {Error}; {Outcome}.", id, message.Kind, attempts, lastError,
            failed ? "given up" : "retrying at " + next.ToString("O", CultureInfo.InvariantCulture));
        return true;
    }

    private static MailMessage Compose(EmailMessage message, MailAddress from)
    {
        var mail = new MailMessage { From = from, Subject = message.Subject, SubjectEncoding = Encoding.UTF8, HeadersEncoding = Encoding.UTF8 };
        mail.To.Add(new MailAddress(message.To));
        mail.Headers.Add("X-Portal-Message-Id", message.Id.ToString(CultureInfo.InvariantCulture));
        if (message.HtmlBody is null)
        {
            mail.Body = message.TextBody;
            mail.BodyEncoding = Encoding.UTF8;
            mail.BodyTransferEncoding = TransferEncoding.QuotedPrintable;
        }
        else
        {
            // multipart/alternative: plain text first, the richest part last.
            var text = AlternateView.CreateAlternateViewFromString(message.TextBody, Encoding.UTF8, MediaTypeNames.Text.Plain);
            text.TransferEncoding = TransferEncoding.QuotedPrintable;
            var html = AlternateView.CreateAlternateViewFromString(message.HtmlBody, Encoding.UTF8, MediaTypeNames.Text.Html);
            html.TransferEncoding = TransferEncoding.QuotedPrintable;
            mail.AlternateViews.Add(text);
            mail.AlternateViews.Add(html);
        }

        return mail;
    }

    private SmtpClient CreateClient()
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
            return new SmtpClient { DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory, PickupDirectoryLocation = full };
        }

        var client = new SmtpClient(smtp.Host, smtp.Port)
        {
            DeliveryMethod = SmtpDeliveryMethod.Network,
            EnableSsl = smtp.EnableSsl,
            Timeout = (int)smtp.Timeout.TotalMilliseconds,
        };
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
        }

        return client;
    }

    private async Task<MailAddress> FromAsync(CancellationToken ct)
    {
        var settings = await operatorSettings.GetAsync(ct);
        var address = _options.Smtp.From ?? _options.From ?? settings.SupportEmail ?? "no-reply@localhost";
        return new MailAddress(address, settings.Name);
    }

    // Whole milliseconds, so that the claim compares equal when read back from either database.
    private DateTime Now()
    {
        var now = time.GetUtcNow().UtcDateTime;
        return WorkerTime.Floor(now);
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
