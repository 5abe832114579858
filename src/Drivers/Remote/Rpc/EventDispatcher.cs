using System.Collections.Concurrent;

namespace LibVirtPS.Drivers.Remote.Rpc;

/// <summary>
/// Routes MESSAGE packets (events) to subscribers by (program, procedure), generically: every event procedure
/// can be subscribed to, not only a fixed list. Handlers run on the connection's reader and must return quickly.
/// </summary>
public sealed class EventDispatcher
{
    private readonly ConcurrentDictionary<(uint Program, int Procedure), ImmutableHandlers> _handlers = new();
    private long _unhandled;

    /// <summary>Events that arrived with no subscriber.</summary>
    public long UnhandledCount => Interlocked.Read(ref _unhandled);

    public IDisposable Subscribe(uint program, int procedure, Action<RpcPacket> handler)
    {
        var key = (program, procedure);
        _handlers.AddOrUpdate(key, _ => new ImmutableHandlers([handler]), (_, h) => h.With(handler));
        return new Subscription(() => _handlers.AddOrUpdate(key, _ => new ImmutableHandlers([]), (_, h) => h.Without(handler)));
    }

    public void Dispatch(RpcPacket packet)
    {
        if (!_handlers.TryGetValue((packet.Header.Program, packet.Header.Procedure), out var handlers) || handlers.Items.Length == 0)
        {
            Interlocked.Increment(ref _unhandled);
            return;
        }

        foreach (var handler in handlers.Items)
        {
            try
            {
                handler(packet);
            }
            catch (Exception)
            {
                // A subscriber's failure must not take the connection's reader down with it.
            }
        }
    }

    private sealed record ImmutableHandlers(Action<RpcPacket>[] Items)
    {
        public ImmutableHandlers With(Action<RpcPacket> handler) => new([.. Items, handler]);

        public ImmutableHandlers Without(Action<RpcPacket> handler) => new(Items.Where(h => h != handler).ToArray());
    }

    private sealed class Subscription(Action remove) : IDisposable
    {
        private Action? _remove = remove;

        public void Dispose() => Interlocked.Exchange(ref _remove, null)?.Invoke();
    }
}
