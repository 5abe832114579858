using System.Net.Sockets;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>Connects to a daemon's UNIX socket.</summary>
public static class UnixSocketTransport
{
    public static async Task<Stream> ConnectAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            var socket = await BlockingConnect.ConnectAsync([new UnixDomainSocketEndPoint(path)],
                _ => new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified), timeout, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            throw new ConnectionException($"Cannot connect to the libvirt socket '{path}': {ex.Message}", ex, lost: false);
        }
    }
}
