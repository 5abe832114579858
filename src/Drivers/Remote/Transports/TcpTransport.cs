using System.Net;
using System.Net.Sockets;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>Plain TCP to a daemon that listens with listen_tcp (default port 16509).</summary>
public static class TcpTransport
{
    public const int DefaultPort = 16509;

    public static async Task<Stream> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, limit.Token).ConfigureAwait(false);
            var socket = await BlockingConnect.ConnectAsync(addresses.Select(a => (EndPoint)new IPEndPoint(a, port)).ToList(),
                endpoint => new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }, timeout,
                cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var why = ex is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.#} s" : ex.Message;
            throw new ConnectionException($"Cannot connect to {host}:{port}: {why}", ex, lost: false);
        }
    }
}
