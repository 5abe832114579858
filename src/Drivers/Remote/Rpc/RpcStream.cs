using System.Buffers.Binary;
using System.Threading.Channels;
using LibVirtPS.Engine.Errors;

namespace LibVirtPS.Drivers.Remote.Rpc;

/// <summary>One piece of a download: data bytes, or a hole of <see cref="HoleLength"/> bytes (sparse streams).</summary>
public readonly record struct StreamChunk(ReadOnlyMemory<byte> Data, long HoleLength)
{
    public bool IsHole => HoleLength > 0;
}

/// <summary>
/// A data stream opened by a call (volume upload/download, console). Every packet reuses the opening call's
/// program, procedure and serial. Reading ends with libvirt's handshake (empty CONTINUE from the daemon, OK from
/// us, OK from the daemon); writing ends with <see cref="FinishAsync"/> (OK from us, OK from the daemon).
/// </summary>
public sealed class RpcStream : IAsyncDisposable
{
    private readonly RpcClient _client;
    private readonly uint _program;
    private readonly int _procedure;
    private readonly Channel<RpcPacket> _incoming = Channel.CreateBounded<RpcPacket>(new BoundedChannelOptions(64)
    {
        SingleReader = true,
        SingleWriter = true,
    });
    private Exception? _failure;
    private bool _finished;

    internal RpcStream(RpcClient client, uint program, int procedure, uint serial)
    {
        _client = client;
        _program = program;
        _procedure = procedure;
        Serial = serial;
    }

    public uint Serial { get; }

    /// <summary>The next chunk, or null once the daemon has ended the stream (the finish handshake is done).</summary>
    public async ValueTask<StreamChunk?> ReadAsync(CancellationToken cancellationToken)
    {
        while (!_finished)
        {
            var packet = await NextAsync(cancellationToken).ConfigureAwait(false);
            switch (packet.Header.Type, packet.Header.Status)
            {
                case (PacketType.Stream, PacketStatus.Continue) when packet.Payload.Length > 0:
                    return new StreamChunk(packet.Payload, 0);
                case (PacketType.Stream, PacketStatus.Continue):
                    await SendAsync(PacketType.Stream, PacketStatus.Ok, default, cancellationToken).ConfigureAwait(false);
                    await ExpectOkAsync(cancellationToken).ConfigureAwait(false);
                    return null;
                case (PacketType.StreamHole, PacketStatus.Continue):
                    return new StreamChunk(default, ReadHole(packet.Payload));
                case (PacketType.Stream, PacketStatus.Ok):
                    Finish();
                    return null;
                default:
                    throw Unexpected(packet);
            }
        }

        return null;
    }

    /// <summary>Sends data, split into chunks every daemon accepts.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ThrowIfServerFailed();
        for (var offset = 0; offset < data.Length; offset += RpcLimits.SafeStreamChunk)
        {
            var chunk = data.Slice(offset, Math.Min(RpcLimits.SafeStreamChunk, data.Length - offset));
            await SendAsync(PacketType.Stream, PacketStatus.Continue, chunk, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ends an upload: the daemon confirms once it has written everything (or reports why not).</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        await SendAsync(PacketType.Stream, PacketStatus.Ok, default, cancellationToken).ConfigureAwait(false);
        await ExpectOkAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Abandons the stream; the daemon confirms the abort.</summary>
    public async Task AbortAsync(CancellationToken cancellationToken)
    {
        if (_finished)
        {
            return;
        }

        await SendAsync(PacketType.Stream, PacketStatus.Error, default, cancellationToken).ConfigureAwait(false);
        await ExpectOkAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        Finish();
        return ValueTask.CompletedTask;
    }

    internal async ValueTask DeliverAsync(RpcPacket packet, CancellationToken cancellationToken)
    {
        // A bounded queue: a slow consumer slows the reader, which is the only back-pressure the protocol has.
        try
        {
            await _incoming.Writer.WriteAsync(packet, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // The stream ended on our side meanwhile; late packets are dropped.
        }
    }

    internal void Fail(Exception failure)
    {
        _failure ??= failure;
        _incoming.Writer.TryComplete(failure);
    }

    private async Task ExpectOkAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var packet = await NextAsync(cancellationToken).ConfigureAwait(false);
            if (packet.Header is { Type: PacketType.Stream, Status: PacketStatus.Ok })
            {
                Finish();
                return;
            }

            if (packet.Header.Status != PacketStatus.Continue)
            {
                throw Unexpected(packet);
            }

            // Data still in flight when we finished or aborted is discarded.
        }
    }

    private async ValueTask<RpcPacket> NextAsync(CancellationToken cancellationToken)
    {
        RpcPacket packet;
        try
        {
            packet = await _incoming.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex) when (ex.InnerException is LibVirtException inner)
        {
            throw inner;
        }

        if (packet.Header.Status == PacketStatus.Error)
        {
            Finish();
            throw packet.Payload.IsEmpty
                ? new LibVirtException(ErrorCode.Rpc, ErrorDomain.Rpc, "The daemon aborted the stream")
                : RemoteError.Decode(packet.Payload).ToException();
        }

        return packet;
    }

    private void ThrowIfServerFailed()
    {
        if (_failure is not null)
        {
            throw _failure;
        }

        if (_incoming.Reader.TryPeek(out var packet) && packet.Header.Status == PacketStatus.Error)
        {
            _incoming.Reader.TryRead(out _);
            Finish();
            throw RemoteError.Decode(packet.Payload).ToException();
        }
    }

    private Task SendAsync(PacketType type, PacketStatus status, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (_finished)
        {
            throw new LibVirtException(ErrorCode.Rpc, ErrorDomain.Rpc, "The stream has already ended");
        }

        return _client.SendAsync(new RpcHeader(_program, RpcHeader.ProtocolVersion, _procedure, type, Serial, status), payload, cancellationToken);
    }

    private void Finish()
    {
        _finished = true;
        _client.UnregisterStream(Serial);
        _incoming.Writer.TryComplete();
    }

    private static long ReadHole(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length != 12)
        {
            throw new LibVirtException(ErrorCode.Rpc, ErrorDomain.Rpc, $"Stream hole payload of {payload.Length} bytes (expected 12)");
        }

        var length = BinaryPrimitives.ReadInt64BigEndian(payload.Span);
        return length > 0 ? length : throw new LibVirtException(ErrorCode.Rpc, ErrorDomain.Rpc, $"Stream hole of {length} bytes");
    }

    private static LibVirtException Unexpected(RpcPacket packet) =>
        new(ErrorCode.Rpc, ErrorDomain.Rpc, $"Unexpected stream packet ({packet.Header})");
}
