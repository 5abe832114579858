using System.Collections.Concurrent;
using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Rpc;
using LibVirtPS.Drivers.Remote.Xdr;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Tests.Remote;

/// <summary>Thrown by a mock handler to answer with an error reply.</summary>
internal sealed class MockErrorException(RemoteError error) : Exception(error.Message)
{
    public RemoteError Error { get; } = error;
}

/// <summary>What a mock handler may do besides returning its reply.</summary>
internal sealed class MockCall(MockDaemon daemon, RpcHeader header)
{
    public RpcHeader Header { get; } = header;

    /// <summary>Sends an event (MESSAGE, serial 1 as libvirt does) before the reply goes out.</summary>
    public Task SendEventAsync<T>(RemoteProcedure procedure, XdrCodec<T> codec, T body) =>
        daemon.SendEventAsync(procedure, codec, body);
}

/// <summary>
/// An in-process libvirt daemon on one end of a <see cref="DuplexPipe"/>. It reads whole packets by their length,
/// answers each call on its own task (so replies can overtake each other) with the request's serial, builds
/// replies from the project's declarations, answers unknown procedures with an RPC NO_SUPPORT error, answers PING
/// with PONG, and can send events, raw bytes, go silent or drop the connection.
/// </summary>
internal sealed class MockDaemon : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<(uint, int), Func<RpcPacket, Task<byte[]>>> _handlers = new();
    private readonly Task _loop;
    private volatile bool _silent;
    private int _pongs;
    private int _pings;

    private MockDaemon(Stream stream)
    {
        _stream = stream;
        _loop = Task.Run(LoopAsync);
    }

    public ConcurrentQueue<RpcHeader> Received { get; } = new();

    /// <summary>Stream packets the client sent, in order.</summary>
    public ConcurrentQueue<RpcPacket> StreamPackets { get; } = new();

    public int PongsReceived => Volatile.Read(ref _pongs);

    public int PingsReceived => Volatile.Read(ref _pings);

    /// <summary>Creates a daemon and a client connected to it.</summary>
    public static (MockDaemon Daemon, RpcClient Client) Start(RpcClientOptions? options = null)
    {
        var (client, server) = DuplexPipe.Create();
        return (new MockDaemon(server), new RpcClient(client, options));
    }

    /// <summary>Serves one connection that a test accepted itself (TCP, TLS).</summary>
    public static MockDaemon Serve(Stream connection) => new(connection);

    public static (MockDaemon Daemon, Stream ClientStream) StartWithStream()
    {
        var (client, server) = DuplexPipe.Create();
        return (new MockDaemon(server), client);
    }

    public MockDaemon On<TArgs, TRet>(Procedure<TArgs, TRet> procedure, Func<TArgs, TRet> handler) =>
        On(procedure, (args, _) => Task.FromResult(handler(args)));

    public MockDaemon On<TArgs, TRet>(Procedure<TArgs, TRet> procedure, Func<TArgs, MockCall, Task<TRet>> handler)
    {
        _handlers[(RpcPrograms.Remote, (int)procedure.Number)] = async packet =>
        {
            var args = procedure.Args.Decode(packet.Payload);
            var ret = await handler(args, new MockCall(this, packet.Header)).ConfigureAwait(false);
            return procedure.Ret.Encode(ret);
        };
        return this;
    }

    /// <summary>Answers a procedure with a raw reply payload (for stream-opening procedures the driver does not declare yet).</summary>
    public MockDaemon OnRaw(int procedure, Func<RpcPacket, byte[]> handler)
    {
        _handlers[(RpcPrograms.Remote, procedure)] = packet => Task.FromResult(handler(packet));
        return this;
    }

    /// <summary>Stops answering anything, keepalive included, as a hung daemon would.</summary>
    public void GoSilent() => _silent = true;

    /// <summary>Closes the connection from the daemon's side.</summary>
    public void Drop() => _stream.Dispose();

    public Task SendRawAsync(byte[] bytes) => WriteAsync(bytes);

    public Task SendAsync(RpcHeader header, ReadOnlySpan<byte> payload) => WriteAsync(PacketCodec.Encode(header, payload));

    public Task SendPingAsync() =>
        SendAsync(new RpcHeader(RpcPrograms.Keepalive, 1, RpcPrograms.KeepalivePing, PacketType.Message, 0, PacketStatus.Ok), default);

    public Task SendEventAsync<T>(RemoteProcedure procedure, XdrCodec<T> codec, T body) =>
        SendAsync(new RpcHeader(RpcPrograms.Remote, 1, (int)procedure, PacketType.Message, 1, PacketStatus.Ok), codec.Encode(body));

    public static RemoteError Error(ErrorCode code, ErrorDomain domain, string message) =>
        new((int)code, (int)domain, message, (int)ErrorLevel.Error, message);

    public async ValueTask DisposeAsync()
    {
        _stream.Dispose();
        await _loop.ConfigureAwait(false);
    }

    private async Task LoopAsync()
    {
        try
        {
            while (await PacketCodec.ReadAsync(_stream, CancellationToken.None).ConfigureAwait(false) is { } packet)
            {
                Received.Enqueue(packet.Header);
                if (_silent)
                {
                    continue;
                }

                switch (packet.Header)
                {
                    case { Type: PacketType.Message, Program: RpcPrograms.Keepalive, Procedure: RpcPrograms.KeepalivePing }:
                        Interlocked.Increment(ref _pings);
                        await SendAsync(packet.Header with { Procedure = RpcPrograms.KeepalivePong }, default).ConfigureAwait(false);
                        break;
                    case { Type: PacketType.Message, Program: RpcPrograms.Keepalive, Procedure: RpcPrograms.KeepalivePong }:
                        Interlocked.Increment(ref _pongs);
                        break;
                    case { Type: PacketType.Stream }:
                        StreamPackets.Enqueue(packet);
                        break;
                    case { Type: PacketType.Call }:
                        _ = Task.Run(() => AnswerAsync(packet));
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or ConnectionException)
        {
            // The client went away or the test dropped the connection.
        }
    }

    private async Task AnswerAsync(RpcPacket call)
    {
        var reply = call.Header with { Type = PacketType.Reply };
        byte[] payload;
        if (!_handlers.TryGetValue((call.Header.Program, call.Header.Procedure), out var handler))
        {
            reply = reply with { Status = PacketStatus.Error };
            payload = Encode(Error(ErrorCode.NoSupport, ErrorDomain.Rpc, $"unknown procedure: {call.Header.Procedure}"));
        }
        else
        {
            try
            {
                payload = await handler(call).ConfigureAwait(false);
            }
            catch (MockErrorException ex)
            {
                reply = reply with { Status = PacketStatus.Error };
                payload = Encode(ex.Error);
            }
        }

        if (!_silent)
        {
            try
            {
                await SendAsync(reply, payload).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // Dropped meanwhile.
            }
        }
    }

    private static byte[] Encode(RemoteError error)
    {
        var writer = new XdrWriter();
        error.Write(writer);
        return writer.ToArray();
    }

    private async Task WriteAsync(byte[] bytes)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
