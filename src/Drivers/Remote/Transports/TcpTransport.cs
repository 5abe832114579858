using System.Net.Sockets;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>Plain TCP to a daemon that listens with listen_tcp (default port 16509).</summary>
public static class TcpTransport
{
    public const int DefaultPort = 16509;

    public static async Task<Stream> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            await client.ConnectAsync(host, port, limit.Token).ConfigureAwait(false);
            return client.GetStream();
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            var why = ex is SocketException se ? se.Message : $"no answer within {timeout.TotalSeconds:0.#} s";
            throw new ConnectionException($"Cannot connect to {host}:{port}: {why}", ex, lost: false);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
