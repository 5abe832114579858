using System.Collections.Concurrent;
using LibVirtPS.Drivers.Remote.Xdr;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Rpc;

/// <summary>
/// A libvirt RPC connection over any <see cref="Stream"/>. Many calls may be in flight (up to
/// <see cref="RpcClientOptions.MaxCallsInFlight"/> on the wire, the rest queued): each gets its own serial,
/// packets are written whole under one writer lock, and one reader thread routes every incoming packet by type first
/// (REPLY to the waiting call by serial, STREAM to the open stream by serial, MESSAGE to keepalive or the event
/// dispatcher). When the stream ends or breaks, every pending call fails with a <see cref="ConnectionException"/>
/// and so does every later call.
/// Reads and writes on the stream are blocking calls: the reader thread waits in the read itself, and a reply wakes
/// it directly (see the transports' BlockingConnect); closing the stream ends a blocked read.
/// </summary>
public sealed partial class RpcClient : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly PacketReader _packets;
    private readonly RpcClientOptions _options;
    private readonly ConcurrentDictionary<uint, PendingCall> _pending = new();
    private readonly ConcurrentDictionary<uint, RpcStream> _streams = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _callSlots;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource<ConnectionException> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;
    private ConnectionException? _failure;
    private Task? _keepalive;
    private int _nextSerial = -1;
    private long _lastInbound = Environment.TickCount64;

    public RpcClient(Stream stream, RpcClientOptions? options = null)
    {
        _stream = stream;
        _packets = new PacketReader(stream);
        _options = options ?? new RpcClientOptions();
        _callSlots = new SemaphoreSlim(Math.Max(1, _options.MaxCallsInFlight));
        // The reader owns a thread and blocks in the transport's read: a reply then wakes it directly, instead of
        // passing through the socket engine's completion queue and a thread-pool hop first.
        _reader = Task.Factory.StartNew(ReadLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public EventDispatcher Events { get; } = new();

    public bool IsConnected => Volatile.Read(ref _failure) is null;

    /// <summary>Completes, with the reason, when the connection is lost or closed.</summary>
    public Task<ConnectionException> Closed => _closed.Task;

    public RpcClientOptions Options => _options;

    /// <summary>Calls a procedure and returns the reply's raw payload; an error reply throws its libvirt error.</summary>
    public async Task<ReadOnlyMemory<byte>> CallAsync(uint program, int procedure, Action<XdrWriter>? writeArgs,
        CancellationToken cancellationToken)
    {
        var reply = await SendCallAsync(program, procedure, writeArgs, null, cancellationToken).ConfigureAwait(false);
        return reply.Payload;
    }

    /// <summary>Calls a procedure and decodes its reply; the reply must be consumed exactly.</summary>
    public async Task<T> CallAsync<T>(uint program, int procedure, Action<XdrWriter>? writeArgs, Func<XdrReader, T> readReply,
        CancellationToken cancellationToken)
    {
        var payload = await CallAsync(program, procedure, writeArgs, cancellationToken).ConfigureAwait(false);
        var reader = new XdrReader(payload);
        var result = readReply(reader);
        reader.EnsureEnd();
        return result;
    }

    /// <summary>
    /// Calls a procedure that opens a stream. The stream is registered before the call is sent, so data that follows
    /// the reply at once is not lost. Returns the stream and the reply's payload.
    /// </summary>
    public async Task<(RpcStream Stream, ReadOnlyMemory<byte> Reply)> OpenStreamAsync(uint program, int procedure,
        Action<XdrWriter>? writeArgs, CancellationToken cancellationToken)
    {
        RpcStream? stream = null;
        try
        {
            var reply = await SendCallAsync(program, procedure, writeArgs,
                serial => stream = RegisterStream(new RpcStream(this, program, procedure, serial)), cancellationToken).ConfigureAwait(false);
            return (stream!, reply.Payload);
        }
        catch
        {
            if (stream is not null)
            {
                _streams.TryRemove(stream.Serial, out _);
            }

            throw;
        }
    }

    /// <summary>
    /// Starts libvirt's keepalive from this side: after <see cref="RpcClientOptions.KeepaliveInterval"/> of silence
    /// the client pings, and after <see cref="RpcClientOptions.KeepaliveCount"/> unanswered pings the daemon is
    /// declared dead. Call it once the daemon has confirmed the keepalive feature.
    /// </summary>
    public void StartKeepalive()
    {
        if (Interlocked.CompareExchange(ref _keepalive, Task.CompletedTask, null) is null)
        {
            var monitor = new KeepaliveMonitor(_options, () => Volatile.Read(ref _lastInbound),
                () => SendKeepaliveAsync(RpcPrograms.KeepalivePing), failure => Fail(failure));
            _keepalive = Task.Run(() => monitor.RunAsync(_shutdown.Token));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Fail(new ConnectionException("The connection was closed", lost: false));
        await _reader.ConfigureAwait(false);
        if (_keepalive is { } keepalive)
        {
            await keepalive.ConfigureAwait(false);
        }

        _shutdown.Dispose();
    }

    internal async Task SendAsync(RpcHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        var packet = PacketCodec.Encode(header, payload.Span);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        WriteHoldingLock(packet);
    }

    /// <summary>Writes one whole packet from the calling thread (the reader's, for batches).</summary>
    private void Send(RpcHeader header, ReadOnlySpan<byte> payload)
    {
        ThrowIfFailed();
        var packet = PacketCodec.Encode(header, payload);
        _writeLock.Wait();
        WriteHoldingLock(packet);
    }

    /// <summary>
    /// Writes a packet with a blocking write, as every socket call of the client is (see the transports'
    /// BlockingConnect), and releases the writer lock. The caller's token never stops a write: half a packet would
    /// corrupt the stream for everyone.
    /// </summary>
    private void WriteHoldingLock(byte[] packet)
    {
        try
        {
            ThrowIfFailed();
            _stream.Write(packet);
            _stream.Flush();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            throw Fail(new ConnectionException($"Writing to the daemon failed: {ex.Message}", ex));
        }
        finally
        {
            _writeLock.Release();
        }
    }

    internal void UnregisterStream(uint serial) => _streams.TryRemove(serial, out _);

    internal void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw Rethrowable(failure);
        }
    }

    private RpcStream RegisterStream(RpcStream stream)
    {
        _streams[stream.Serial] = stream;
        return stream;
    }

    private async Task<RpcPacket> SendCallAsync(uint program, int procedure, Action<XdrWriter>? writeArgs,
        Action<uint>? beforeSend, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        cancellationToken.ThrowIfCancellationRequested();
        var args = new XdrWriter();
        writeArgs?.Invoke(args);

        using var timeout = _options.CallTimeout == Timeout.InfiniteTimeSpan
            ? new CancellationTokenSource()
            : new CancellationTokenSource(_options.CallTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        await WaitForSlotAsync(procedure, linked.Token, cancellationToken).ConfigureAwait(false);
        try
        {
            return await SendAndAwaitAsync(program, procedure, args, beforeSend, linked.Token, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _callSlots.Release();
        }
    }

    /// <summary>
    /// Waits for one of the daemon's request slots: libvirtd stops reading a client that has more calls in progress
    /// than max_client_requests, which would also hold back our keepalive answers.
    /// </summary>
    private async Task WaitForSlotAsync(int procedure, CancellationToken callToken, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(callToken, _shutdown.Token);
        try
        {
            await _callSlots.WaitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            ThrowIfFailed();
            throw TimedOut(procedure);
        }

        if (Volatile.Read(ref _failure) is { } failure)
        {
            _callSlots.Release();
            throw Rethrowable(failure);
        }
    }

    private async Task<RpcPacket> SendAndAwaitAsync(uint program, int procedure, XdrWriter args, Action<uint>? beforeSend,
        CancellationToken callToken, CancellationToken cancellationToken)
    {
        var serial = unchecked((uint)Interlocked.Increment(ref _nextSerial));
        var call = new PendingCall(program, procedure);
        _pending[serial] = call;
        if (Volatile.Read(ref _failure) is { } failure)
        {
            _pending.TryRemove(serial, out _);
            throw Rethrowable(failure);
        }

        await using var registration = callToken.Register(() =>
        {
            // Forget the serial first: a reply that still arrives is then dropped by the reader.
            _pending.TryRemove(serial, out _);
            if (cancellationToken.IsCancellationRequested)
            {
                call.Completion.TrySetCanceled(cancellationToken);
            }
            else
            {
                call.Completion.TrySetException(TimedOut(procedure));
            }
        }).ConfigureAwait(false);

        try
        {
            beforeSend?.Invoke(serial);
            var header = new RpcHeader(program, RpcHeader.ProtocolVersion, procedure, PacketType.Call, serial, PacketStatus.Ok);
            await SendAsync(header, args.WrittenMemory, callToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (callToken.IsCancellationRequested)
        {
            // Cancelled while waiting for the writer: the registration has already completed the call.
        }
        catch
        {
            _pending.TryRemove(serial, out _);
            throw;
        }

        var reply = await call.Completion.Task.ConfigureAwait(false);
        if (reply.Header.Status == PacketStatus.Error)
        {
            throw RemoteError.Decode(reply.Payload).ToException();
        }

        return reply;
    }

    private ConnectionException TimedOut(int procedure) =>
        new($"No reply to procedure {procedure} within {_options.CallTimeout.TotalSeconds:0.###} s", new TimeoutException(), lost: false);

    private void ReadLoop()
    {
        try
        {
            while (true)
            {
                var packet = _packets.Read();
                if (packet is null)
                {
                    Fail(new ConnectionException("The daemon closed the connection"));
                    return;
                }

                Volatile.Write(ref _lastInbound, Environment.TickCount64);
                var dispatch = DispatchAsync(packet);
                if (!dispatch.IsCompletedSuccessfully)
                {
                    // Only a stream whose consumer lags makes the reader wait: that is the stream's back-pressure.
                    dispatch.AsTask().GetAwaiter().GetResult();
                }
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            // Disposed or already failed: the failure is recorded.
        }
        catch (ConnectionException ex)
        {
            Fail(ex);
        }
        catch (Exception ex) when (_shutdown.IsCancellationRequested && ex is IOException or ObjectDisposedException)
        {
            // Closing the transport is what ends a blocked read after a failure or a dispose.
        }
        catch (Exception ex)
        {
            Fail(new ConnectionException($"The connection to the daemon was lost: {ex.Message}", ex));
        }
    }

    private async ValueTask DispatchAsync(RpcPacket packet)
    {
        var header = packet.Header;
        switch (header.Type)
        {
            case PacketType.Reply:
                if (_pending.TryGetValue(header.Serial, out var call))
                {
                    // A reply that does not fit its call stays pending here, so the failure below reaches it.
                    if (call.Program != header.Program || call.Procedure != header.Procedure)
                    {
                        throw new ConnectionException($"Reply does not match its call ({header}; expected procedure {call.Procedure})");
                    }

                    if (header.Status == PacketStatus.Continue)
                    {
                        throw new ConnectionException($"Reply with status CONTINUE ({header})");
                    }

                    if (_pending.TryRemove(header.Serial, out _))
                    {
                        if (call.Batch is { } batch)
                        {
                            batch.OnReply(call.Index, header.Serial, packet);
                        }
                        else
                        {
                            call.Completion.TrySetResult(packet);
                        }
                    }
                }

                break;
            case PacketType.Stream:
            case PacketType.StreamHole:
                if (_streams.TryGetValue(header.Serial, out var stream))
                {
                    await stream.DeliverAsync(packet, _shutdown.Token).ConfigureAwait(false);
                }

                break;
            case PacketType.Message when header.Program == RpcPrograms.Keepalive:
                if (header.Procedure == RpcPrograms.KeepalivePing)
                {
                    _ = SendKeepaliveAsync(RpcPrograms.KeepalivePong);
                }

                break;
            case PacketType.Message:
                Events.Dispatch(packet);
                break;
            default:
                throw new ConnectionException($"Unexpected packet from the daemon ({header})");
        }
    }

    private async Task SendKeepaliveAsync(int procedure)
    {
        try
        {
            var header = new RpcHeader(RpcPrograms.Keepalive, RpcHeader.ProtocolVersion, procedure, PacketType.Message, 0, PacketStatus.Ok);
            await SendAsync(header, ReadOnlyMemory<byte>.Empty, _shutdown.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LibVirtException or OperationCanceledException)
        {
            // A failed write has already failed the connection; nothing more to do here.
        }
    }

    /// <summary>Records the first failure, fails everything pending and closes the stream. Idempotent.</summary>
    private ConnectionException Fail(ConnectionException failure)
    {
        var first = Interlocked.CompareExchange(ref _failure, failure, null);
        if (first is not null)
        {
            return first;
        }

        _shutdown.Cancel();
        foreach (var serial in _pending.Keys)
        {
            if (_pending.TryRemove(serial, out var call))
            {
                if (call.Batch is { } batch)
                {
                    batch.Fail(Rethrowable(failure));
                }
                else
                {
                    call.Completion.TrySetException(Rethrowable(failure));
                }
            }
        }

        foreach (var serial in _streams.Keys)
        {
            if (_streams.TryRemove(serial, out var stream))
            {
                stream.Fail(Rethrowable(failure));
            }
        }

        try
        {
            _stream.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The transport is already gone.
        }

        _closed.TrySetResult(failure);
        return failure;
    }

    // Each waiter gets its own exception object, so concurrent rethrows do not share one stack trace.
    private static ConnectionException Rethrowable(ConnectionException failure) =>
        new(failure.Message, failure.InnerException, failure.Lost);

    private sealed class PendingCall(uint program, int procedure, CallBatch? batch = null, int index = 0)
    {
        private static readonly TaskCompletionSource<RpcPacket> Unused = new();

        public uint Program { get; } = program;
        public int Procedure { get; } = procedure;

        /// <summary>The batch this call belongs to; its reply goes there instead of to <see cref="Completion"/>.</summary>
        public CallBatch? Batch { get; } = batch;
        public int Index { get; } = index;

        /// <summary>Where a single call's reply goes (batch calls do not need one).</summary>
        public TaskCompletionSource<RpcPacket> Completion { get; } =
            batch is null ? new(TaskCreationOptions.RunContinuationsAsynchronously) : Unused;
    }
}
