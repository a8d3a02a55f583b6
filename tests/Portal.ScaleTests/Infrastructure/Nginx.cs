using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portal.ScaleTests.Infrastructure;

/// <summary>
/// Debian's nginx as an ordinary process with a prefix of its own (<c>-p</c>), terminating TLS on a loopback
/// port and balancing the instances round robin. Its configuration includes deploy/nginx/portal-http.conf and
/// deploy/nginx/portal-proxy.conf as they are deployed; only what a deployment sets per machine (listen address,
/// certificate, upstream ports, log and temp paths) is written here. It connects to the instances from
/// <see cref="ProxyAddress"/>, the portal's only known proxy, so that the test's clients (other loopback
/// addresses) are never taken for the proxy.
/// </summary>
public sealed class Nginx : IAsyncDisposable
{
    public const string ProxyAddress = "127.0.0.3";

    private readonly Process _process;

    private Nginx(Process process, string dir, int port)
    {
        _process = process;
        Directory = dir;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    public string AccessLog => Path.Combine(Directory, "access.log");

    public static string Executable =>
        new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("nginx is not installed (test.sh installs Debian's nginx).");

    public static async Task<Nginx> StartAsync(string dir, IEnumerable<int> upstreamPorts, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(dir);
        var (certificate, key) = await Certificates.WriteSelfSignedAsync(dir, "nginx");
        var ports = upstreamPorts.ToList();
        // nginx needs its port in its configuration: take one the system hands out, and try again in the rare
        // case that someone else took it in between.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            await File.WriteAllTextAsync(Path.Combine(dir, "nginx.conf"), Configuration(dir, port, ports, certificate, key), ct);
            var start = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "-p", dir + "/", "-c", Path.Combine(dir, "nginx.conf"), "-e", Path.Combine(dir, "error.log") })
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                if (await AcceptsAsync(port))
                {
                    return new Nginx(process, dir, port);
                }

                await Task.Delay(50, ct);
            }

            var log = File.Exists(Path.Combine(dir, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(dir, "error.log"), ct) : "";
            if (!process.HasExited)
            {
                process.Kill();
            }

            process.Dispose();
            if (attempt == 3 || !log.Contains("Address already in use", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("nginx did not start:\n" + log);
            }
        }
    }

    private static string Configuration(string dir, int port, IReadOnlyList<int> upstreams, string certificate, string key)
    {
        var deploy = Repository.PathOf("deploy", "nginx");
        var servers = new StringBuilder();
        foreach (var upstream in upstreams)
        {
            // As deployed, but a killed instance restarted by a test is back in the rotation after 2 s, not 10.
            servers.Append(CultureInfo.InvariantCulture, $"        server 127.0.0.1:{upstream} max_fails=1 fail_timeout=2s;\n");
        }

        return $$"""
            daemon off;
            master_process on;
            worker_processes 1;
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/error.log warn;
            events { worker_connections 512; }
            http {
                # Debian's compiled-in temp paths are under /var/lib/nginx: this process's own instead.
                client_body_temp_path {{dir}}/client_body;
                proxy_temp_path {{dir}}/proxy;
                fastcgi_temp_path {{dir}}/fastcgi;
                uwsgi_temp_path {{dir}}/uwsgi;
                scgi_temp_path {{dir}}/scgi;
                include {{deploy}}/portal-http.conf;
                upstream portal {
            {{servers}}        keepalive 16;
                }
                server {
                    listen 127.0.0.1:{{port}} ssl;
                    ssl_certificate {{certificate}};
                    ssl_certificate_key {{key}};
                    access_log {{dir}}/access.log portal;
                    # The test's own connections to the instances come from the portal's one known proxy.
                    proxy_bind {{ProxyAddress}};
                    # For the test only: which instance answered.
                    add_header X-Upstream $upstream_addr always;
                    include {{deploy}}/portal-proxy.conf;
                }
            }
            """;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: nginx's fast shutdown.
            Interop.Terminate(_process.Id);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
