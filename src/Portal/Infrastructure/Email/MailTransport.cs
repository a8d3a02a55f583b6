using MimeKit;

namespace Portal.Infrastructure.Email;

/// <summary>Where one pass of the e-mail sender hands its messages: an SMTP server or the pickup folder.</summary>
internal abstract class MailTransport : IAsyncDisposable
{
    public abstract Task SendAsync(MimeMessage message, CancellationToken ct);

    /// <summary>After a failure that may have left the connection unusable: start afresh with the next message.</summary>
    public virtual ValueTask ResetAsync() => ValueTask.CompletedTask;

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
