using System.Net.Sockets;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>Connects to a daemon's UNIX socket.</summary>
public static class UnixSocketTransport
{
    public static async Task<Stream> ConnectAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), limit.Token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            var why = ex is SocketException se ? se.Message : $"no answer within {timeout.TotalSeconds:0.#} s";
            throw new ConnectionException($"Cannot connect to the libvirt socket '{path}': {why}", ex, lost: false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
