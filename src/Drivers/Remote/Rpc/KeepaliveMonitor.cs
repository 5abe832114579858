using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Rpc;

/// <summary>
/// libvirt's keepalive from the client's side: after an interval with nothing received, send a PING; when
/// <see cref="RpcClientOptions.KeepaliveCount"/> pings in a row bring nothing back, declare the daemon dead.
/// Anything received (a PONG, a reply, an event) counts as a sign of life.
/// </summary>
internal sealed class KeepaliveMonitor(
    RpcClientOptions options,
    Func<long> lastInboundTicks,
    Func<Task> sendPing,
    Action<ConnectionException> declareDead)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var interval = options.KeepaliveInterval;
        var missed = 0;
        var lastPing = long.MinValue;
        try
        {
            while (true)
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                var lastInbound = lastInboundTicks();
                if (lastInbound >= lastPing)
                {
                    missed = 0;
                }

                var idle = TimeSpan.FromMilliseconds(Environment.TickCount64 - lastInbound);
                if (idle < interval)
                {
                    continue;
                }

                if (missed >= options.KeepaliveCount)
                {
                    declareDead(new ConnectionException(
                        $"The daemon did not answer {missed} keepalive pings in {idle.TotalSeconds:0.#} s: connection declared dead"));
                    return;
                }

                missed++;
                lastPing = Environment.TickCount64;
                await sendPing().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The connection ended.
        }
    }
}
