namespace Portal.Features.Webhooks;

/// <summary>Webhook delivery settings, section <c>Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    public const string HttpClientName = "webhooks";

    /// <summary>How long a receiver has to answer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a failing delivery is retried before it is given up.</summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Plain http:// URLs are refused except to a loopback address, and only where this is on (default:
    /// in Development and Testing), so that signed events never cross a network in clear text.
    /// </summary>
    public bool AllowHttpLoopback { get; set; }

    /// <summary>
    /// Receiver hosts (as written in the URL: a name or an address) allowed to be internal, for a
    /// deployment whose billing system listens on its own network. Every other host must resolve only
    /// to public addresses (<see cref="WebhookAddressGuard"/>).
    /// </summary>
    public List<string> AllowedInternalHosts { get; set; } = [];

    /// <summary>How many deliveries one pass sends at most (each to a different account or subscription).</summary>
    public int BatchSize { get; set; } = 50;

    public int Parallelism { get; set; } = 4;

    /// <summary>The delay after the given number of failed attempts: 30 s, 1 min, 2 min, 4 min, ... at most an hour.</summary>
    public TimeSpan RetryDelay(int failedAttempts)
    {
        var exponent = Math.Min(Math.Max(failedAttempts - 1, 0), 20);
        var delay = FirstRetryDelay * Math.Pow(2, exponent);
        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }
}
