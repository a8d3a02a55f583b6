using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Portal.Features.Webhooks;

/// <summary>
/// Keeps webhooks from reaching inside (SSRF): a receiver's host must resolve only to public
/// addresses. Checked when a subscription is registered and again at every delivery, where the
/// connection goes to the very addresses that were checked (<see cref="ConnectAsync"/>, the HTTP
/// handler's ConnectCallback), so a name that resolves differently later (DNS rebinding) cannot
/// slip through. Hosts listed in <c>Webhooks:AllowedInternalHosts</c> are exempt, for a deployment
/// whose receiver lives on its own network.
/// </summary>
public sealed class WebhookAddressGuard(IOptions<WebhookOptions> options)
{
    public const string Refusal = "The URL's host is, or resolves to, an internal address (loopback, private, link-local, multicast or reserved); only public receivers are allowed.";

    private static readonly (IPAddress Network, int Prefix)[] InternalV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8),         // "this network", unspecified
        (IPAddress.Parse("10.0.0.0"), 8),        // private
        (IPAddress.Parse("100.64.0.0"), 10),     // carrier-grade NAT
        (IPAddress.Parse("127.0.0.0"), 8),       // loopback
        (IPAddress.Parse("169.254.0.0"), 16),    // link-local (cloud metadata at 169.254.169.254)
        (IPAddress.Parse("172.16.0.0"), 12),     // private
        (IPAddress.Parse("192.0.0.0"), 24),      // IETF protocol assignments
        (IPAddress.Parse("192.0.2.0"), 24),      // documentation
        (IPAddress.Parse("192.88.99.0"), 24),    // 6to4 relay anycast
        (IPAddress.Parse("192.168.0.0"), 16),    // private
        (IPAddress.Parse("198.18.0.0"), 15),     // benchmarking
        (IPAddress.Parse("198.51.100.0"), 24),   // documentation
        (IPAddress.Parse("203.0.113.0"), 24),    // documentation
        (IPAddress.Parse("224.0.0.0"), 4),       // multicast
        (IPAddress.Parse("240.0.0.0"), 4),       // reserved, broadcast
    ];

    private static readonly (IPAddress Network, int Prefix)[] InternalV6 =
    [
        (IPAddress.Parse("::"), 96),             // unspecified, loopback and IPv4-compatible
        (IPAddress.Parse("64:ff9b:1::"), 48),    // local-use NAT64
        (IPAddress.Parse("100::"), 64),          // discard
        (IPAddress.Parse("2001::"), 23),         // IETF protocol assignments (Teredo, ORCHID, ...)
        (IPAddress.Parse("2001:db8::"), 32),     // documentation
        (IPAddress.Parse("fc00::"), 7),          // unique local
        (IPAddress.Parse("fe80::"), 10),         // link-local
        (IPAddress.Parse("fec0::"), 10),         // site-local (deprecated)
        (IPAddress.Parse("ff00::"), 8),          // multicast
    ];

    private readonly HashSet<string> _allowed = new(
        options.Value.AllowedInternalHosts.Select(h => h.Trim().Trim('[', ']')).Where(h => h.Length > 0),
        StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the operator allowed this host (as written in the URL) to be internal.</summary>
    public bool IsAllowedInternal(string host) => _allowed.Contains(host.Trim('[', ']'));

    /// <summary>
    /// Why a receiver URL is refused at registration, or null. A name that does not resolve now is
    /// accepted (its DNS may not be live yet): every delivery checks it again before connecting.
    /// </summary>
    public async Task<string?> RefusalAsync(Uri url, CancellationToken ct)
    {
        if (IsAllowedInternal(url.IdnHost))
        {
            return null;
        }

        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(url.IdnHost, ct);
        }
        catch (SocketException)
        {
            return null;
        }

        return addresses.Any(IsInternal) ? Refusal : null;
    }

    /// <summary>
    /// The HTTP handler's ConnectCallback: resolves the host once, refuses when any of its addresses is
    /// internal, and connects to those same addresses.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, ct);
        if (!IsAllowedInternal(host) && addresses.Any(IsInternal))
        {
            throw new WebhookAddressRefusedException();
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Whether an address is anything but a public unicast one; IPv4 inside IPv6 is judged as IPv4.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return InternalV4.Any(n => InRange(address, n.Network, n.Prefix));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return true;
        }

        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address: judge that one.
        var bytes = address.GetAddressBytes();
        if (InRange(address, IPAddress.Parse("64:ff9b::"), 96))
        {
            return IsInternal(new IPAddress(bytes[12..16]));
        }

        if (InRange(address, IPAddress.Parse("2002::"), 16))
        {
            return IsInternal(new IPAddress(bytes[2..6]));
        }

        return InternalV6.Any(n => InRange(address, n.Network, n.Prefix));
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        // An address literal in any notation the URL parser accepted ("2130706433", "0x7f.1", "[::ffff:7f00:1]")
        // is already canonical here; a name is resolved, and every address it has is judged.
        var literal = host.Trim('[', ']');
        if (IPAddress.TryParse(literal, out var address))
        {
            return [address];
        }

        // RFC 6761: "localhost" and every name under it are loopback, whatever a resolver says.
        var name = literal.TrimEnd('.');
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return [IPAddress.Loopback, IPAddress.IPv6Loopback];
        }

        var addresses = await Dns.GetHostAddressesAsync(host, ct);
        return addresses.Length == 0 ? throw new SocketException((int)SocketError.HostNotFound) : addresses;
    }

    private static bool InRange(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        for (var i = 0; i < a.Length && prefix > 0; i++, prefix -= 8)
        {
            var mask = prefix >= 8 ? 0xFF : (byte)(0xFF << (8 - prefix));
            if ((a[i] & mask) != (n[i] & mask))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A delivery refused because the receiver's host resolved to an internal address.</summary>
public sealed class WebhookAddressRefusedException() : HttpRequestException(WebhookAddressGuard.Refusal);
