using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Features.Webhooks;

/// <summary>
/// The <c>Portal-Signature</c> header, Stripe-style: <c>t=UNIX_SECONDS,v1=HEX</c> where HEX is the
/// lowercase hex HMAC-SHA256, keyed with the subscription's secret (UTF-8), of <c>"{t}.{raw body}"</c>.
/// A receiver recomputes it over the raw body, compares in constant time, and refuses a timestamp
/// older than a few minutes (replay).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Portal-Signature";
    public const string EventIdHeader = "Portal-Event-Id";
    public const string EventTypeHeader = "Portal-Event-Type";

    public static string Create(string secret, long unixSeconds, string body)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Compute(secret, t, body)}";
    }

    public static string Compute(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    /// <summary>Checks a header value against the body, as a receiver would.</summary>
    public static bool Verify(string secret, string header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        string? t = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal))
            {
                t = part[2..];
            }
            else if (part.StartsWith("v1=", StringComparison.Ordinal))
            {
                signatures.Add(part[3..]);
            }
        }

        if (t is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, t, body));
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(s)));
    }
}
