using System.Net;
using System.Net.Sockets;

namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>
/// Connects sockets with blocking calls only. Once a socket has served one asynchronous operation the runtime keeps
/// it non-blocking, and its synchronous reads then wait through the runtime's socket engine: an extra thread hop for
/// every packet. The RPC client's reader thread blocks in the read itself, so transports never make async socket calls.
/// </summary>
internal static class BlockingConnect
{
    /// <summary>
    /// Connects to the first of <paramref name="endpoints"/> that accepts, from a pool thread. The timeout bounds each
    /// attempt (the kernel honours SO_SNDTIMEO in a blocking connect); cancellation closes the socket.
    /// Throws <see cref="TimeoutException"/> when no attempt was answered in time.
    /// </summary>
    public static async Task<Socket> ConnectAsync(IReadOnlyList<EndPoint> endpoints, Func<EndPoint, Socket> create, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        SocketException? last = null;
        foreach (var endpoint in endpoints)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var socket = create(endpoint);
            try
            {
                await using (cancellationToken.Register(socket.Dispose).ConfigureAwait(false))
                {
                    await Task.Run(() => Connect(socket, endpoint, timeout), CancellationToken.None).ConfigureAwait(false);
                }

                return socket;
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is SocketException or ObjectDisposedException)
            {
                socket.Dispose();
                throw new OperationCanceledException(cancellationToken);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        return last is { SocketErrorCode: SocketError.InProgress or SocketError.WouldBlock or SocketError.TimedOut }
            ? throw new TimeoutException($"no answer within {timeout.TotalSeconds:0.#} s", last)
            : throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    private static void Connect(Socket socket, EndPoint endpoint, TimeSpan timeout)
    {
        socket.SendTimeout = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue);
        socket.Connect(endpoint);
        socket.SendTimeout = 0;
    }
}
